import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SIGNUP_REFUSED } from '../../api/routes/auth.js';
import { findAccountByEmail } from '../../infra/db/accounts.js';
import { databaseCases, type TestDatabase } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { startWebApi, type WebApi } from '../support/web-api.js';
import { WebClient } from '../support/web-client.js';

const PASSWORD = 'correct horse battery';
const email = (tag = 'user') => `${tag}-${randomBytes(5).toString('hex')}@Example.com`;

for (const dbCase of databaseCases()) {
  describe(`people's accounts over HTTP on ${dbCase.name}`, () => {
    let database: TestDatabase;
    let api: WebApi;
    let other: WebApi;
    let closed: WebApi;

    before(async () => {
      database = await dbCase.open();
      const limits = { SIGNIN_MAX_FAILURES_PER_EMAIL: '3', SIGNIN_MAX_FAILURES_PER_ADDRESS: '5', SIGNUP_MONTHLY_CREDITS: '77' };
      // Two API processes on one database, and a third that does not let people sign up.
      [api, other, closed] = await Promise.all([startWebApi(database, limits), startWebApi(database, limits), startWebApi(database, { SIGNUP: 'closed' })]);
    });
    after(async () => {
      await Promise.all([api, other, closed].map((a) => a?.close()));
      await database?.close();
    });

    const browser = (server: WebApi = api, address = `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) => new WebClient(server.url, { forwardedFor: address });

    test('sign up starts a session the rest of the API accepts instead of a key', async () => {
      const web = browser();
      const address = email('new');
      const res = await web.signUp(address, PASSWORD);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const account = res.body.account as { id: string; email: string };
      assert.equal(account.email, address.toLowerCase());
      assert.match(account.id, /^[0-9a-f-]{36}$/);
      const setCookie = res.headers.getSetCookie().join('\n');
      assert.match(setCookie, /^vivid_session=[A-Za-z0-9_-]{43}; /m);
      assert.match(setCookie, /httponly/i);
      assert.match(setCookie, /samesite=lax/i);
      assert.match(setCookie, /path=\//i);
      assert.doesNotMatch(setCookie, /secure/i, 'plain http must not get a Secure cookie');

      const session = await web.request('GET', '/auth/session');
      assert.equal(session.status, 200);
      assert.deepEqual(Object.keys(session.body.account as object).sort(), ['created_at', 'email', 'id']);
      const usage = await web.request('GET', '/usage');
      assert.equal(usage.status, 200, JSON.stringify(usage.body));
      assert.equal(usage.body.monthly_credits, 77);
      assert.equal(usage.body.credits_remaining, 77);
      assert.equal((await web.request('GET', '/history')).status, 200);

      // The password is stored as an argon2id PHC string with OWASP's parameters, never in clear.
      const stored = await database.db.selectFrom('accounts').select('password_hash').where('id', '=', account.id).executeTakeFirstOrThrow();
      assert.match(String(stored.password_hash), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
      const session_rows = await database.db.selectFrom('sessions').selectAll().where('account_id', '=', account.id).execute();
      assert.equal(session_rows.length, 1);
      assert.ok(!setCookie.includes(session_rows[0]!.token_hash), 'the cookie carries the token, the table only its hash');
    });

    test('over HTTPS (behind the proxy) the cookie is __Host- and Secure', async () => {
      const web = browser();
      const res = await web.request('POST', '/auth/signup', { email: email('tls'), password: PASSWORD }, { 'X-Forwarded-Proto': 'https', Origin: `https://${new URL(api.url).host}` });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const setCookie = res.headers.getSetCookie().join('\n');
      assert.match(setCookie, /^__Host-vivid_session=[A-Za-z0-9_-]{43}; /m);
      assert.match(setCookie, /; secure/i);
      assert.doesNotMatch(setCookie, /domain=/i);
      const session = await web.request('GET', '/auth/session', undefined, { 'X-Forwarded-Proto': 'https' });
      assert.equal(session.status, 200);
    });

    test('the same email cannot sign up twice, whatever its case, and the answer does not say why', async () => {
      const address = email('twice');
      assert.equal((await browser().signUp(address, PASSWORD)).status, 201);
      for (const again of [address, address.toUpperCase(), `  ${address.toLowerCase()} `]) {
        const res = await browser(other).signUp(again, 'another password entirely');
        assert.equal(res.status, 400, again);
        assert.equal(res.body.error, SIGNUP_REFUSED);
        assert.doesNotMatch(String(res.body.error), /exists|taken|registered|already has/i);
      }
      const rows = await database.db.selectFrom('accounts').select('id').where('email', '=', address.toLowerCase()).execute();
      assert.equal(rows.length, 1);
    });

    test('bad sign-up input is a 400 naming the field', async () => {
      const web = browser();
      const cases: Array<[unknown, RegExp]> = [
        [{ email: 'not-an-email', password: PASSWORD }, /^Invalid parameter 'email'/],
        [{ email: email(), password: 'short' }, /^Invalid parameter 'password': must be at least 10 characters/],
        [{ email: email() }, /^Invalid parameter 'password'/],
        [{ email: email(), password: PASSWORD, admin: true }, /admin/],
        ['{not json', /not valid JSON/],
      ];
      for (const [body, message] of cases) {
        const res = await web.request('POST', '/auth/signup', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(String(res.body.error), message);
      }
      assert.equal(web.cookies.size, 0);
    });

    test('sign in: one answer for a wrong password and an unknown email; sign out ends the session', async () => {
      const address = email('in');
      assert.equal((await browser().signUp(address, PASSWORD)).status, 201);
      const wrong = await browser().signIn(address, 'not the password');
      const unknown = await browser().signIn(email('nobody'), 'not the password');
      const noPassword = await browser().signIn(address.replace('@', '+x@'), PASSWORD);
      for (const res of [wrong, unknown, noPassword]) {
        assert.equal(res.status, 401);
        assert.deepEqual(res.body, { error: 'Wrong email or password.', code: 'unauthorized', request_id: res.headers.get('x-request-id') });
      }

      const web = browser(other);
      const res = await web.signIn(address.toUpperCase(), PASSWORD);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal((res.body.account as { email: string }).email, address.toLowerCase());
      const kept = web.withOptions({});
      assert.equal((await web.request('GET', '/usage')).status, 200);

      const out = await web.request('POST', '/auth/signout');
      assert.equal(out.status, 204);
      assert.equal(web.cookies.size, 0, 'sign-out clears the cookie');
      // The old cookie, replayed, no longer opens anything: on either API process.
      for (const server of [api, other]) {
        const replay = new WebClient(server.url);
        for (const [k, v] of kept.cookies) replay.cookies.set(k, v);
        assert.equal((await replay.request('GET', '/auth/session')).status, 401);
        const usage = await replay.request('GET', '/usage');
        assert.equal(usage.status, 401);
        assert.match(String(usage.body.error), /sign in again/);
      }
      assert.equal((await new WebClient(api.url).request('GET', '/auth/session')).status, 401);
    });

    test('a password change needs the current one and signs out every other session', async () => {
      const address = email('pw');
      const first = browser();
      assert.equal((await first.signUp(address, PASSWORD)).status, 201);
      const second = browser(other);
      assert.equal((await second.signIn(address, PASSWORD)).status, 200);

      const wrong = await first.request('POST', '/auth/password', { current_password: 'not it at all', new_password: 'a brand new secret' });
      assert.equal(wrong.status, 400);
      assert.match(String(wrong.body.error), /current_password/);
      const short = await first.request('POST', '/auth/password', { current_password: PASSWORD, new_password: 'short' });
      assert.equal(short.status, 400);
      assert.match(String(short.body.error), /new_password/);
      assert.equal((await new WebClient(api.url).request('POST', '/auth/password', { current_password: PASSWORD, new_password: 'a brand new secret' })).status, 401);

      const changed = await first.request('POST', '/auth/password', { current_password: PASSWORD, new_password: 'a brand new secret' });
      assert.equal(changed.status, 204, JSON.stringify(changed.body));
      assert.equal((await first.request('GET', '/auth/session')).status, 200, 'the session that changed it stays');
      assert.equal((await second.request('GET', '/auth/session')).status, 401, 'every other session ends');
      assert.equal((await browser().signIn(address, PASSWORD)).status, 401);
      assert.equal((await browser().signIn(address, 'a brand new secret')).status, 200);
    });

    test('sessions are listed and revocable one by one or all but this one', async () => {
      const address = email('sessions');
      const laptop = browser();
      assert.equal((await laptop.signUp(address, PASSWORD)).status, 201);
      const phone = new WebClient(other.url, { forwardedFor: '192.0.2.7' });
      assert.equal((await phone.request('POST', '/auth/signin', { email: address, password: PASSWORD }, { 'User-Agent': 'PhoneBrowser/1.0' })).status, 200);
      const tablet = browser();
      assert.equal((await tablet.signIn(address, PASSWORD)).status, 200);

      const listed = await laptop.request<Array<Record<string, unknown>>>('GET', '/auth/sessions');
      assert.equal(listed.status, 200);
      assert.equal(listed.body.length, 3);
      assert.equal(listed.body.filter((s) => s.current).length, 1);
      for (const s of listed.body) assert.deepEqual(Object.keys(s).sort(), ['created_at', 'current', 'id', 'ip', 'last_seen_at', 'user_agent']);
      const phoneRow = listed.body.find((s) => s.user_agent === 'PhoneBrowser/1.0');
      assert.ok(phoneRow, JSON.stringify(listed.body));
      assert.equal(phoneRow.ip, '192.0.2.7');

      assert.equal((await laptop.request('DELETE', `/auth/sessions/${String(phoneRow.id)}`)).status, 204);
      assert.equal((await phone.request('GET', '/auth/session')).status, 401);
      assert.equal((await laptop.request('DELETE', `/auth/sessions/${String(phoneRow.id)}`)).status, 404);
      assert.equal((await laptop.request('DELETE', `/auth/sessions/${randomUUID()}`)).status, 404);

      // Another account cannot end this one's sessions.
      const stranger = browser();
      assert.equal((await stranger.signUp(email('stranger'), PASSWORD)).status, 201);
      const tabletId = String(listed.body.find((s) => !s.current && s.id !== phoneRow.id)?.id);
      assert.equal((await stranger.request('DELETE', `/auth/sessions/${tabletId}`)).status, 404);
      assert.equal((await tablet.request('GET', '/auth/session')).status, 200);

      assert.equal((await laptop.request('POST', '/auth/sessions/revoke-others')).status, 204);
      assert.equal((await tablet.request('GET', '/auth/session')).status, 401);
      assert.equal((await laptop.request('GET', '/auth/session')).status, 200);
      assert.equal((await laptop.request<unknown[]>('GET', '/auth/sessions')).body.length, 1);
    });

    test('with sign-up closed only operators create accounts', async () => {
      const web = new WebClient(closed.url);
      assert.deepEqual((await web.request('GET', '/auth/config')).body, { signup: 'closed' });
      assert.deepEqual((await new WebClient(api.url).request('GET', '/auth/config')).body, { signup: 'open' });
      const res = await web.signUp(email('closed'), PASSWORD);
      assert.equal(res.status, 403);
      assert.match(String(res.body.error), /closed/);
      assert.equal(web.cookies.size, 0);
    });

    test('failed sign-ins are refused with 429 per email, counted across API processes', async () => {
      const address = email('throttle');
      assert.equal((await browser().signUp(address, PASSWORD)).status, 201);
      // Three failures, spread over both processes and several addresses: the email's limit.
      for (const [server, i] of [[api, 1], [other, 2], [api, 3]] as const) {
        assert.equal((await browser(server, `198.51.100.${i}`).signIn(address, `wrong guess ${i}`)).status, 401);
      }
      for (const server of [other, api]) {
        // Refused before the password is looked at: the right one gets the same 429.
        const res = await browser(server, '198.51.100.99').signIn(address, PASSWORD);
        assert.equal(res.status, 429, JSON.stringify(res.body));
        const retryAfter = Number(res.headers.get('Retry-After'));
        assert.ok(retryAfter >= 1 && retryAfter <= 15 * 60, `Retry-After ${retryAfter}`);
        assert.match(String(res.body.error), /Too many failed sign-ins/);
      }
      // An unknown email is throttled alike, so a 429 tells nothing about who has an account.
      const nobody = email('nobody');
      for (let i = 0; i < 3; i++) await browser(other, `203.0.113.${i}`).signIn(nobody, 'guess');
      const unknown = await browser(api, '203.0.113.50').signIn(nobody, 'guess');
      assert.equal(unknown.status, 429);
      // Other emails are not affected.
      const bystander = email('bystander');
      assert.equal((await browser().signUp(bystander, PASSWORD)).status, 201);
      assert.equal((await browser(other).signIn(bystander, PASSWORD)).status, 200);
    });

    test('failed sign-ins are refused with 429 per client address, whatever the email', async () => {
      const address = '198.51.100.200';
      const victim = email('victim');
      assert.equal((await browser().signUp(victim, PASSWORD)).status, 201);
      for (let i = 0; i < 5; i++) {
        const server = i % 2 === 0 ? api : other;
        assert.equal((await browser(server, address).signIn(email(`spray${i}`), 'guess')).status, 401);
      }
      const refused = await browser(other, address).signIn(victim, PASSWORD);
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('Retry-After')) >= 1);
      assert.equal((await browser(api, '198.51.100.201').signIn(victim, PASSWORD)).status, 200, 'another address is not affected');
    });

    test('a correct password clears its email counter', async () => {
      const address = email('clear');
      assert.equal((await browser().signUp(address, PASSWORD)).status, 201);
      for (let i = 0; i < 2; i++) assert.equal((await browser().signIn(address, 'wrong')).status, 401);
      assert.equal((await browser().signIn(address, PASSWORD)).status, 200);
      for (let i = 0; i < 2; i++) assert.equal((await browser().signIn(address, 'wrong')).status, 401);
      assert.equal((await browser().signIn(address, PASSWORD)).status, 200, 'two failures after a success are below the limit of three');
    });

    describe('CSRF', () => {
      let web: WebClient;
      let apiKey: string;
      before(async () => {
        web = browser();
        assert.equal((await web.signUp(email('csrf'), PASSWORD)).status, 201);
        const key = await web.request('POST', '/keys', { name: 'script' });
        assert.equal(key.status, 201, JSON.stringify(key.body));
        apiKey = String(key.body.key);
      });

      test('a cross-origin form post with the cookie is refused', async () => {
        // What a page on another site can make a browser send: a urlencoded form, its own Origin, no custom header.
        const forged = web.withOptions({ origin: 'https://evil.example', clientHeader: false });
        const form = new URLSearchParams({ prompt: 'x' }).toString();
        for (const route of ['/generate', `/cancel/${randomUUID()}`, '/keys', '/auth/signout', '/auth/sessions/revoke-others']) {
          const res = await forged.request('POST', route, form, { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'cross-site' });
          assert.equal(res.status, 403, `${route}: ${JSON.stringify(res.body)}`);
          assert.equal(typeof res.body.error, 'string');
        }
        assert.equal((await web.request('GET', '/auth/session')).status, 200, 'still signed in: the forged sign-out did nothing');
        const sessions = await web.request<unknown[]>('GET', '/auth/sessions');
        assert.equal(sessions.status, 200);
      });

      test('the custom header is required, and the origin must be our own', async () => {
        const noHeader = await web.withOptions({ clientHeader: false }).request('POST', '/keys', { name: 'x' });
        assert.equal(noHeader.status, 403);
        assert.match(String(noHeader.body.error), /X-Vivid-Client/);
        assert.equal((await web.withOptions({ origin: 'http://evil.example' }).request('POST', '/keys', { name: 'x' })).status, 403);
        assert.equal((await web.withOptions({ origin: null }).request('POST', '/keys', { name: 'x' })).status, 403, 'neither Origin nor Sec-Fetch-Site');
        assert.equal((await web.request('POST', '/keys', { name: 'x' }, { 'Sec-Fetch-Site': 'same-site' })).status, 403);
        // Sec-Fetch-Site alone vouches for the origin when a browser leaves Origin out.
        assert.equal((await web.withOptions({ origin: null }).request('POST', '/keys', { name: 'same origin' }, { 'Sec-Fetch-Site': 'same-origin' })).status, 201);
        // Signing in from another site (login CSRF) is refused too.
        assert.equal((await new WebClient(api.url, { origin: 'http://evil.example' }).signIn(email(), PASSWORD)).status, 403);
        // Reads are not state changes.
        assert.equal((await web.withOptions({ origin: 'http://evil.example', clientHeader: false }).request('GET', '/usage')).status, 200);
      });

      test('requests with X-API-Key are not affected', async () => {
        const script = new ApiClient(api.url, apiKey);
        const cancel = await script.request('POST', `/cancel/${randomUUID()}`, undefined, { Origin: 'https://evil.example' });
        assert.equal(cancel.status, 404, JSON.stringify(cancel.body));
        const generate = await script.generate({ prompt: 'x', model: 'sora' });
        assert.equal(generate.status, 400);
        assert.match(String(generate.body.error), /model/);
      });
    });

    describe('API keys', () => {
      test('created with a name, shown once, listed with prefix and last use, revoked through the API', async () => {
        const web = browser();
        const address = email('keys');
        assert.equal((await web.signUp(address, PASSWORD)).status, 201);
        assert.deepEqual((await web.request('GET', '/keys')).body, []);

        const created = await web.request('POST', '/keys', { name: 'render farm' });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        assert.deepEqual(Object.keys(created.body).sort(), ['created_at', 'id', 'key', 'name', 'prefix']);
        const key = String(created.body.key);
        assert.match(key, /^vf_[A-Za-z0-9_-]{43}$/);
        assert.equal(created.body.prefix, key.slice(0, 10));
        assert.equal(created.body.name, 'render farm');

        const listed = await web.request<Array<Record<string, unknown>>>('GET', '/keys');
        assert.deepEqual(listed.body, [{ id: created.body.id, name: 'render farm', prefix: created.body.prefix, created_at: created.body.created_at, last_used_at: null }]);
        assert.ok(!JSON.stringify(listed.body).includes(key), 'the key is never shown again');

        const script = new ApiClient(other.url, key);
        assert.equal((await script.usage()).status, 200);
        const used = (await web.request<Array<Record<string, unknown>>>('GET', '/keys')).body[0]!;
        assert.ok(typeof used.last_used_at === 'string' && !Number.isNaN(Date.parse(used.last_used_at)), JSON.stringify(used));

        // The operator's CLI works on the same rows.
        const account = await findAccountByEmail(database.db, address);
        const row = await database.db.selectFrom('api_keys').selectAll().where('id', '=', String(created.body.id)).executeTakeFirstOrThrow();
        assert.equal(row.account_id, account?.id);

        assert.equal((await web.request('DELETE', `/keys/${String(created.body.id)}`)).status, 204);
        assert.deepEqual((await web.request('GET', '/keys')).body, []);
        // Refused within the authentication cache's few seconds, on every process.
        await waitUntil('the revoked key to be refused', async () => (await script.usage()).status === 401, 15_000);
        assert.match(String((await script.usage()).body.error), /Invalid API key/);
        assert.equal((await web.request('DELETE', `/keys/${String(created.body.id)}`)).status, 404, 'already revoked');
      });

      test('a key cannot manage keys, and an account cannot touch another one\'s', async () => {
        const owner = browser();
        assert.equal((await owner.signUp(email('owner'), PASSWORD)).status, 201);
        const created = await owner.request('POST', '/keys', { name: 'ci' });
        const script = new ApiClient(api.url, String(created.body.key));
        for (const [method, route, body] of [
          ['GET', '/keys', undefined],
          ['POST', '/keys', JSON.stringify({ name: 'minted by a leaked key' })],
          ['DELETE', `/keys/${String(created.body.id)}`, undefined],
        ] as const) {
          const res = await script.request(method, route, body, body ? { 'Content-Type': 'application/json' } : {});
          assert.equal(res.status, 403, `${method} ${route}: ${JSON.stringify(res.body)}`);
          assert.match(String(res.body.error), /signed-in session/);
        }
        assert.equal((await owner.request<unknown[]>('GET', '/keys')).body.length, 1, 'nothing was minted or revoked');

        const stranger = browser();
        assert.equal((await stranger.signUp(email('stranger'), PASSWORD)).status, 201);
        assert.equal((await stranger.request('DELETE', `/keys/${String(created.body.id)}`)).status, 404);
        assert.equal((await stranger.request('DELETE', '/keys/not-a-uuid')).status, 404);
        assert.equal((await script.usage()).status, 200);
        assert.equal((await owner.request('POST', '/keys', { name: '' })).status, 400);
        assert.equal((await owner.request('POST', '/keys', {})).status, 400);
      });
    });

  });
}
