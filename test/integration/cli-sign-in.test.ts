import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { openTestPostgres, type ThrowawayPostgres } from '../support/databases.js';
import { startWebApi, type WebApi } from '../support/web-api.js';
import { WebClient } from '../support/web-client.js';

const vivid = fileURLToPath(new URL('../../workers/cli/vivid.mjs', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('operators let people sign in with the vivid CLI (sign-up closed)', () => {
  let database: ThrowawayPostgres;
  let api: WebApi;

  /** The operator's CLI on the API's own database, with the same PUBLIC_URL. */
  function cli(args: string[], stdin?: string): Promise<Result> {
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [vivid, ...args],
        { env: { ...process.env, DATABASE_URL: database.url, PUBLIC_URL: api.config.http.publicUrl } },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
      if (stdin !== undefined) child.stdin!.end(stdin);
      else child.stdin!.end();
    });
  }
  const json = (r: Result): Record<string, unknown> => {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  before(async () => {
    database = await openTestPostgres();
    api = await startWebApi(database, { SIGNUP: 'closed' });
  });
  after(async () => {
    await api?.close();
    await database?.close();
  });

  test('set-password: from stdin, or generated and printed once; both sign in over HTTP', async () => {
    json(await cli(['accounts', 'create', '--email', 'Ada@Example.com', '--credits', '20', '--json']));
    const web = new WebClient(api.url);
    assert.equal((await web.signIn('ada@example.com', 'chosen by the operator')).status, 401, 'no password yet');

    const fromStdin = await cli(['accounts', 'set-password', '--account', 'ada@example.com', '--stdin'], 'chosen by the operator\n');
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.match(fromStdin.stdout, /Set the password of ada@example\.com\./);
    assert.doesNotMatch(fromStdin.stdout, /chosen by the operator/, 'a password given on stdin is not echoed');
    const signedIn = await web.signIn('ADA@example.com', 'chosen by the operator');
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.equal((await web.request('GET', '/usage')).body.monthly_credits, 20);

    // A reset: a new password ends the sessions signed in with the old one.
    const generated = json(await cli(['accounts', 'set-password', '--account', 'ada@example.com', '--json']));
    assert.match(String(generated.password), /^[A-Za-z0-9_-]{20}$/);
    assert.equal(generated.sessions_ended, 1);
    assert.equal((await web.request('GET', '/auth/session')).status, 401);
    assert.equal((await new WebClient(api.url).signIn('ada@example.com', 'chosen by the operator')).status, 401);
    assert.equal((await new WebClient(api.url).signIn('ada@example.com', String(generated.password))).status, 200);

    const short = await cli(['accounts', 'set-password', '--account', 'ada@example.com', '--stdin'], 'short\n');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /at least 10 characters/);
    const unknown = await cli(['accounts', 'set-password', '--account', 'nobody@example.com']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No account nobody@example\.com/);
  });

  test('sign-in-link: a URL under PUBLIC_URL whose token signs in once', async () => {
    const created = json(await cli(['accounts', 'create', '--email', 'grace@example.com', '--credits', '5', '--json']));
    const link = json(await cli(['accounts', 'sign-in-link', '--account', 'grace@example.com', '--hours', '2', '--json']));
    const url = String(link.url);
    assert.ok(url.startsWith(`${api.config.http.publicUrl}/sign-in/link#token=`), url);
    const expires = Date.parse(String(link.expires_at));
    assert.ok(expires > Date.now() + 3600_000 && expires <= Date.now() + 2 * 3600_000 + 60_000, String(link.expires_at));
    const token = new URL(url).hash.replace('#token=', '');

    const web = new WebClient(api.url);
    const res = await web.request('POST', '/auth/signin-link', { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.account, { id: created.account_id, email: 'grace@example.com' });
    assert.equal((await web.request('GET', '/auth/session')).status, 200);
    // Signed in by link, the owner may choose a password without a current one.
    assert.equal((await web.request('POST', '/auth/password', { new_password: 'my own password now' })).status, 204);
    assert.equal((await new WebClient(api.url).signIn('grace@example.com', 'my own password now')).status, 200);

    const again = await new WebClient(api.url).request('POST', '/auth/signin-link', { token });
    assert.equal(again.status, 401, 'a link works once');
    assert.match(String(again.body.error), /not valid/);
    assert.equal((await new WebClient(api.url).request('POST', '/auth/signin-link', { token: 'made-up' })).status, 401);

    const human = await cli(['accounts', 'sign-in-link', '--account', 'grace@example.com']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /One-time sign-in link for grace@example\.com, valid until/);
    const tooLong = await cli(['accounts', 'sign-in-link', '--account', 'grace@example.com', '--hours', '500']);
    assert.equal(tooLong.code, 2);
  });
});
