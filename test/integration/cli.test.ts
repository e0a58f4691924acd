import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

const vivid = fileURLToPath(new URL('../../workers/cli/vivid.mjs', import.meta.url));
// The bin must work when npx starts it with an older system node: it re-executes itself under the project's.
const systemNode = existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let dataDir: string;
let workDir: string;

/** Runs from an unrelated working directory, so nothing may depend on being started from the project root. */
function cli(...args: string[]): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, VIVID_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(systemNode, [vivid, ...args], { env, cwd: workDir }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** --json output is one JSON object and nothing else. */
function json(result: Result): Record<string, unknown> {
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line of JSON, got:\n${result.stdout}`);
  const value: unknown = JSON.parse(lines[0] ?? '');
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value));
  return value as Record<string, unknown>;
}

function assertNoStack(result: Result): void {
  assert.doesNotMatch(result.stderr, /\n\s+at /, `stack trace on stderr:\n${result.stderr}`);
}

before(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'vivid-cli-'));
  dataDir = path.join(workDir, 'data');
});
after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('vivid CLI', () => {
  test(`runs when started by ${systemNode} and explains itself`, async () => {
    const top = await cli('--help');
    assert.equal(top.code, 0, top.stderr);
    for (const command of ['accounts create', 'accounts list', 'keys create', 'keys list', 'keys revoke', 'credits grant']) {
      assert.match(top.stdout, new RegExp(command));
    }
    const group = await cli('keys', '--help');
    assert.equal(group.code, 0, group.stderr);
    assert.match(group.stdout, /vivid keys revoke --account ID_OR_EMAIL --key/);
    assert.doesNotMatch(group.stdout, /accounts create/);
  });

  test('accounts create prints the key once, as a sentence or as one JSON object', async () => {
    const human = await cli('accounts', 'create', '--email', 'human@example.com', '--credits', '100');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Created account human@example\.com .* with 100 credits a month/);
    assert.match(human.stdout, /shown only this once/);
    assert.match(human.stdout, /^ {2}vf_[A-Za-z0-9_-]{43}$/m);

    const created = await cli('accounts', 'create', '--email', 'robot@example.com', '--credits', '40', '--json');
    assert.equal(created.code, 0, created.stderr);
    const body = json(created);
    assert.deepEqual(Object.keys(body).sort(), ['account_id', 'api_key']);
    assert.match(String(body.account_id), /^[0-9a-f-]{36}$/);
    assert.match(String(body.api_key), /^vf_[A-Za-z0-9_-]{43}$/);

    const listed = json(await cli('accounts', 'list', '--json'));
    const accounts = listed.accounts as Record<string, unknown>[];
    const robot = accounts.find((a) => a.email === 'robot@example.com');
    assert.deepEqual(robot && { ...robot, created_at: typeof robot.created_at }, {
      id: body.account_id,
      email: 'robot@example.com',
      monthly_credits: 40,
      credits_remaining: 40,
      created_at: 'string',
    });
  });

  test('keys: create, list, revoke, by email or id, never showing a hash', async () => {
    const account = json(await cli('accounts', 'create', '--email', 'keys@example.com', '--credits', '5', '--json'));

    const created = await cli('keys', 'create', '--account', 'keys@example.com', '--name', 'ci', '--json');
    assert.equal(created.code, 0, created.stderr);
    const key = json(created);
    assert.equal(key.account_id, account.account_id);
    assert.equal(key.name, 'ci');
    assert.match(String(key.api_key), /^vf_/);
    assert.equal(key.prefix, String(key.api_key).slice(0, 10));

    const listed = json(await cli('keys', 'list', '--account', String(account.account_id), '--json'));
    const keys = listed.keys as Record<string, unknown>[];
    assert.equal(keys.length, 2);
    assert.deepEqual(Object.keys(keys[0] ?? {}).sort(), ['created_at', 'id', 'name', 'prefix', 'revoked_at']);
    assert.equal(keys[0]?.id, key.key_id, 'newest first');
    assert.doesNotMatch(JSON.stringify(listed), /[0-9a-f]{64}|vf_[A-Za-z0-9_-]{43}/, 'no hash and no full key in a listing');

    const revoked = await cli('keys', 'revoke', '--account', 'keys@example.com', '--key', String(key.key_id), '--json');
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.deepEqual(json(revoked), { account_id: account.account_id, key_id: key.key_id, revoked: true });
    const again = await cli('keys', 'revoke', '--account', 'keys@example.com', '--key', String(key.key_id));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already revoked/);

    const human = await cli('keys', 'list', '--account', 'keys@example.com');
    assert.match(human.stdout, /revoked \d{4}-/);
    assert.match(human.stdout, /active/);
  });

  test('credits grant adds to this cycle and prints the balance', async () => {
    const account = json(await cli('accounts', 'create', '--email', 'grant@example.com', '--credits', '10', '--json'));
    const granted = await cli('credits', 'grant', '--account', 'grant@example.com', '--amount', '15', '--note', 'welcome', '--json');
    assert.equal(granted.code, 0, granted.stderr);
    // The account the email named, by its id.
    assert.match(String(account.account_id), /^[0-9a-f-]{36}$/);
    assert.deepEqual(json(granted), { account_id: account.account_id, granted: 15, balance: 25 });
    const human = await cli('credits', 'grant', '--account', 'grant@example.com', '--amount', '5');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Credits left this cycle: 30\./);
  });

  test('usage errors exit 2 with a message, in JSON too', async () => {
    const cases: [string[], RegExp][] = [
      [['accounts', 'create', '--credits', '10'], /Missing --email/],
      [['accounts', 'create', '--email', 'x@example.com', '--credits', 'ten'], /--credits must be a whole number/],
      [['accounts', 'create', '--email', 'x@example.com', '--credits', '-1'], /--credits/],
      [['accounts', 'create', '--email', 'not-an-email', '--credits', '1'], /--email must be an email address/],
      [['credits', 'grant', '--account', 'grant@example.com', '--amount', '0'], /--amount must be a whole number of at least 1/],
      [['accounts', 'create', '--email', 'x@example.com', '--credits', '1', '--colour', 'red'], /Unknown option '--colour'/],
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['keys', 'rotate'], /Unknown command "keys rotate"/],
      [[], /Missing command/],
    ];
    for (const [args, message] of cases) {
      const plain = await cli(...args);
      assert.equal(plain.code, 2, `${args.join(' ')}: ${plain.stderr}`);
      assert.match(plain.stderr, message);
      assert.equal(plain.stdout, '');
      assertNoStack(plain);
      const asJson = await cli(...args, '--json');
      assert.equal(asJson.code, 2);
      assert.match(String(json(asJson).error), message);
    }
  });

  test('failures exit 1 with a message: unknown account, duplicate email, unknown key', async () => {
    const cases: [string[], RegExp][] = [
      [['keys', 'list', '--account', 'nobody@example.com'], /No account nobody@example\.com/],
      [['credits', 'grant', '--account', '00000000-0000-4000-8000-000000000000', '--amount', '3'], /No account 00000000-/],
      [['accounts', 'create', '--email', 'HUMAN@example.com', '--credits', '1'], /already exists/],
      [['keys', 'revoke', '--account', 'human@example.com', '--key', '00000000-0000-4000-8000-000000000000'], /has no API key/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args, '--json');
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.match(String(json(result).error), message);
      assertNoStack(result);
    }
  });
});
