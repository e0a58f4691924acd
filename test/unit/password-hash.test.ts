import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, OWASP_ARGON2ID, verifyAgainstDummy, verifyPassword } from '../../infra/auth/password-hash.js';

test('passwords hash to argon2id PHC strings with OWASP parameters and a fresh salt', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.notEqual(a, b, 'same password, different salt');
  assert.deepEqual(OWASP_ARGON2ID, { memoryKiB: 19 * 1024, passes: 2, parallelism: 1 });
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse battery', b), true);
  assert.equal(await verifyPassword('correct horse batterY', a), false);
  assert.equal(await verifyPassword('', a), false);
});

test('verification reads the parameters from the stored string, so old hashes survive a change of cost', async () => {
  const cheap = await hashPassword('a password of old', { memoryKiB: 8 * 1024, passes: 3, parallelism: 2 });
  assert.match(cheap, /^\$argon2id\$v=19\$m=8192,t=3,p=2\$/);
  assert.equal(await verifyPassword('a password of old', cheap), true);
  assert.equal(await verifyPassword('a password of new', cheap), false);
});

test('composed and decomposed forms of the same text are the same password', async () => {
  const stored = await hashPassword('p\u00e4ssw\u00f6rd');
  assert.equal(await verifyPassword('pa\u0308sswo\u0308rd', stored), true);
});

test('anything that is not an argon2id PHC string never verifies', async () => {
  const real = await hashPassword('correct horse battery');
  for (const stored of ['', 'plain', real.replace('argon2id', 'argon2i'), real.replace('v=19', 'v=16'), real.slice(0, -4), `${real}$extra`]) {
    assert.equal(await verifyPassword('correct horse battery', stored), false, stored);
  }
  assert.equal(await verifyAgainstDummy('correct horse battery'), false);
});
