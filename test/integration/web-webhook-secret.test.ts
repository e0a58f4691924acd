import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { findAccountByEmail } from '../../infra/db/accounts.js';
import { ensureWebhookSecret } from '../../infra/db/webhook-secrets.js';
import { databaseCases, type TestDatabase } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { startWebApi, type WebApi } from '../support/web-api.js';
import { WebClient } from '../support/web-client.js';

const PASSWORD = 'correct horse battery';
const email = (tag = 'user') => `${tag}-${randomBytes(5).toString('hex')}@Example.com`;

for (const dbCase of databaseCases()) {
  describe(`the webhook signing secret from a session on ${dbCase.name}`, () => {
    let database: TestDatabase;
    let api: WebApi;
    let other: WebApi;

    before(async () => {
      database = await dbCase.open();
      // Two API processes on one database.
      [api, other] = await Promise.all([startWebApi(database), startWebApi(database)]);
    });
    after(async () => {
      await Promise.all([api, other].map((a) => a?.close()));
      await database?.close();
    });

    const browser = () => new WebClient(api.url, { forwardedFor: `10.2.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` });

  describe('webhook signing secret', () => {
    test("the Account page's secret is the one deliveries are signed with; rotating replaces it; a key can do neither", async () => {
      const web = browser();
      const address = email('hooks');
      assert.equal((await web.signUp(address, PASSWORD)).status, 201);
      const account = (await findAccountByEmail(database.db, address))!;

      const shown = await web.request('GET', '/webhook-secret');
      assert.equal(shown.status, 200, JSON.stringify(shown.body));
      assert.deepEqual(Object.keys(shown.body).sort(), ['created_at', 'secret']);
      assert.match(String(shown.body.secret), /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.equal(shown.headers.get('cache-control'), 'no-store');
      // What the signer (and the operator's CLI) uses, and the same on another API process.
      assert.equal(await ensureWebhookSecret(database.db, account.id), shown.body.secret);
      const elsewhere = new WebClient(other.url, web.options);
      for (const [k, v] of web.cookies) elsewhere.cookies.set(k, v);
      assert.equal((await elsewhere.request('GET', '/webhook-secret')).body.secret, shown.body.secret);

      const rotated = await web.request('POST', '/webhook-secret/rotate');
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      assert.notEqual(rotated.body.secret, shown.body.secret);
      assert.equal(await ensureWebhookSecret(database.db, account.id), rotated.body.secret);
      assert.equal((await web.request('GET', '/webhook-secret')).body.secret, rotated.body.secret);
      assert.ok(Date.parse(String(rotated.body.created_at)) >= Date.parse(String(shown.body.created_at)));

      // A rotation is a state change: the CSRF guard holds for it.
      assert.equal((await web.withOptions({ origin: 'http://evil.example' }).request('POST', '/webhook-secret/rotate')).status, 403);
      assert.equal((await web.withOptions({ clientHeader: false }).request('POST', '/webhook-secret/rotate')).status, 403);

      const key = String((await web.request('POST', '/keys', { name: 'hooks' })).body.key);
      const script = new ApiClient(api.url, key);
      for (const [method, route] of [['GET', '/webhook-secret'], ['POST', '/webhook-secret/rotate']] as const) {
        const res = await script.request(method, route);
        assert.equal(res.status, 403, `${method} ${route}: ${JSON.stringify(res.body)}`);
        assert.match(String(res.body.error), /signed-in session/);
        assert.ok(!JSON.stringify(res.body).includes('whsec_'));
      }
      assert.equal(await ensureWebhookSecret(database.db, account.id), rotated.body.secret, 'nothing rotated by the refused requests');
      // Without any credential: 401.
      assert.equal((await new WebClient(api.url).request('GET', '/webhook-secret')).status, 401);
    });
  });
  });
}
