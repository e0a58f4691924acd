/**
 * `npx tsx bench/sign-in.ts`: does a failed sign-in's timing tell whether the email has an
 * account? Median latency of POST /auth/signin for an unknown email and for an account
 * without a password, as ratios against a wrong password for a real account, in one run.
 * Each email fails at most twice, so the throttle's slow-down never enters the figures.
 * Settings (env): BENCH_ROUNDS (40). Prints a table; always exits 0 when it ran.
 */
import { randomBytes } from 'node:crypto';
import { createAccount } from '../infra/db/accounts.js';
import { openTestPostgres } from '../test/support/databases.js';
import { startWebApi } from '../test/support/web-api.js';
import { WebClient } from '../test/support/web-client.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 40);
const database = await openTestPostgres('vivid_bench');
const api = await startWebApi(database, { SIGNIN_MAX_FAILURES_PER_ADDRESS: '1000000' });
try {
  const timings = { wrong_password: [] as number[], unknown_email: [] as number[], no_password: [] as number[] };
  const time = async (email: string, i: number): Promise<number> => {
    const web = new WebClient(api.url, { forwardedFor: `10.9.${i % 250}.1` });
    const t = performance.now();
    const res = await web.signIn(email, 'a wrong guess');
    if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
    return performance.now() - t;
  };
  for (let i = 0; i < rounds; i++) {
    const real = `bench-${randomBytes(4).toString('hex')}@example.com`;
    const signUp = await new WebClient(api.url, { forwardedFor: '10.8.0.1' }).signUp(real, 'the real password');
    if (signUp.status !== 201) throw new Error(`sign-up: ${signUp.status}`);
    const bare = await createAccount(database.db, { email: `bare-${randomBytes(4).toString('hex')}@example.com`, monthlyCredits: 0 });
    // Interleaved and in a rotating order, so that load on the machine and position in a round fall on all three alike.
    const cases: Array<[keyof typeof timings, string]> = [
      ['wrong_password', real],
      ['unknown_email', `nobody-${randomBytes(4).toString('hex')}@example.com`],
      ['no_password', bare.email],
    ];
    for (let k = 0; k < cases.length; k++) {
      const [name, email] = cases[(i + k) % cases.length]!;
      timings[name].push(await time(email, i));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(timings.wrong_password);
  console.log('case               median ms  ratio to wrong password');
  for (const [name, xs] of Object.entries(timings)) console.log(`${name.padEnd(18)} ${median(xs).toFixed(1).padStart(9)}  ${(median(xs) / base).toFixed(2)}`);
} finally {
  await api.close();
  await database.close();
}
