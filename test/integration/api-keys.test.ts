import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AccountNotFoundError, createAccount, DuplicateEmailError, findAccount, findAccountByEmail, listAccounts } from '../../infra/db/accounts.js';
import { createApiKey, findAccountIdByApiKey, generateApiKey, hashApiKey, listApiKeys, revokeApiKey } from '../../infra/db/api-keys.js';
import { databaseCases, type TestDatabase } from '../support/databases.js';

describe('API key format', () => {
  test('keys are vf_ plus 32 random bytes, hashed with sha256', () => {
    const key = generateApiKey();
    assert.match(key, /^vf_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(generateApiKey(), key);
    assert.match(hashApiKey(key), /^[0-9a-f]{64}$/);
    assert.equal(hashApiKey('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

for (const dbCase of databaseCases()) {
  describe(`accounts and API keys on ${dbCase.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dbCase.open();
    });
    after(async () => {
      await t?.close();
    });

    const newAccount = async () => createAccount(t.db, { email: `${randomUUID()}@example.com`, monthlyCredits: 50 });

    test('accounts are found by id and by email, whatever its case', async () => {
      const account = await createAccount(t.db, { email: '  Mixed.Case@Example.com ', monthlyCredits: 50 });
      assert.equal(account.email, 'mixed.case@example.com');
      assert.equal(account.monthly_credits, 50);
      assert.ok(account.created_at instanceof Date);
      assert.deepEqual(await findAccount(t.db, account.id), account);
      assert.deepEqual(await findAccountByEmail(t.db, 'MIXED.case@example.com'), account);
      assert.equal(await findAccount(t.db, randomUUID()), undefined);
      assert.equal(await findAccount(t.db, 'not-a-uuid'), undefined);
      assert.ok((await listAccounts(t.db)).some((a) => a.id === account.id));
    });

    test('a second account with the same email is refused', async () => {
      const account = await newAccount();
      await assert.rejects(createAccount(t.db, { email: account.email.toUpperCase(), monthlyCredits: 1 }), (err: unknown) => {
        assert.ok(err instanceof DuplicateEmailError);
        assert.match(err.message, /already exists/);
        return true;
      });
    });

    test('a key resolves to its account until revoked', async () => {
      const account = await newAccount();
      const created = await createApiKey(t.db, account.id, 'laptop');
      assert.match(created.key, /^vf_/);
      assert.equal(created.prefix, created.key.slice(0, 10));
      assert.equal(await findAccountIdByApiKey(t.db, created.key), account.id);
      assert.equal(await findAccountIdByApiKey(t.db, generateApiKey()), null);
      assert.equal(await findAccountIdByApiKey(t.db, ''), null);

      assert.equal(await revokeApiKey(t.db, account.id, created.id), true);
      assert.equal(await findAccountIdByApiKey(t.db, created.key), null);
      assert.equal(await revokeApiKey(t.db, account.id, created.id), false, 'already revoked');
    });

    test('only the owning account can revoke a key', async () => {
      const owner = await newAccount();
      const other = await newAccount();
      const created = await createApiKey(t.db, owner.id);
      assert.equal(await revokeApiKey(t.db, other.id, created.id), false);
      assert.equal(await revokeApiKey(t.db, owner.id, randomUUID()), false);
      assert.equal(await revokeApiKey(t.db, owner.id, 'nope'), false);
      assert.equal(await findAccountIdByApiKey(t.db, created.key), owner.id);
    });

    test('listing shows every key, revoked ones too, newest first', async () => {
      const account = await newAccount();
      const first = await createApiKey(t.db, account.id, 'first');
      const second = await createApiKey(t.db, account.id);
      await revokeApiKey(t.db, account.id, first.id);
      const listed = await listApiKeys(t.db, account.id);
      assert.deepEqual(
        listed.map((k) => [k.id, k.name, k.prefix, k.revoked_at !== null]),
        [
          [second.id, null, second.prefix, false],
          [first.id, 'first', first.prefix, true],
        ],
      );
      assert.deepEqual(await listApiKeys(t.db, (await newAccount()).id), []);
    });

    test('only the hash of a key is stored', async () => {
      const account = await newAccount();
      const created = await createApiKey(t.db, account.id);
      const row = await t.db.selectFrom('api_keys').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
      assert.equal(row.key_hash, hashApiKey(created.key));
      assert.ok(!Object.values(row).some((v) => typeof v === 'string' && v.includes(created.key)), 'the plain key is stored somewhere');
    });

    test('a key for an unknown account is refused', async () => {
      await assert.rejects(createApiKey(t.db, randomUUID()), AccountNotFoundError);
      await assert.rejects(createApiKey(t.db, 'not-a-uuid'), AccountNotFoundError);
    });
  });
}
