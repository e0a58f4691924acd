import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { assertAccessible, launchBrowser, playVideo, screenshot, VIEWPORTS, type TestBrowser, type ViewportName } from '../support/browser.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { makePng } from '../support/images.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { Webhook } from 'standardwebhooks';
import { cleanUpStacks, interrupt, stackEnv, startStack, type StartedStack } from '../support/stack-process.js';

/**
 * The web app as a person uses it: `npm start`'s stack with the tiny Wan model, driven through
 * Debian's Chromium. Tests run in order and share the first account.
 */
const PASSWORD = 'correct horse battery';
const TINY = { width: '32', height: '32', length: '5', steps: '2' };

let stack: StartedStack;
let origin: string;
let browser: TestBrowser;
let context: BrowserContext;
let page: Page;
const first = { email: `first-${Date.now()}@example.com`, apiKey: '', jobId: '', prompt: 'A lighthouse blinking in the fog' };

before(async () => {
  const env: Record<string, string> = { ...(await stackEnv()), WAN_MODEL: 'tiny', WAN_DEVICES: 'cpu', RATE_LIMIT_PER_MINUTE: '0', WEBHOOK_HTTP_HOSTS: '127.0.0.1', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' };
  stack = await startStack(env, 180_000);
  // The address the banner gives, which is also the one media links are signed for.
  origin = /Web app\s+(http\S+?)\/?\n/.exec(stack.output())![1]!;
  browser = await launchBrowser(origin);
  context = await browser.newContext();
  page = await context.newPage();
});

after(async () => {
  await context?.close();
  await browser?.close();
  if (stack) await interrupt(stack);
  await cleanUpStacks();
});

async function signUp(p: Page, email: string): Promise<void> {
  await p.goto('/');
  await p.waitForURL('**/sign-in');
  await p.getByRole('link', { name: 'Create an account' }).click();
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Create account' }).click();
  await p.getByRole('heading', { name: 'Studio' }).waitFor();
}

async function jobCard(p: Page, prompt: string) {
  return p.getByRole('list', { name: 'Jobs' }).getByRole('listitem').filter({ hasText: prompt });
}

describe('the web app in a real browser', { timeout: 15 * 60_000 }, () => {
  test('npm start names the web app first and serves it at /', () => {
    const banner = stack.output().slice(stack.output().indexOf('Vivid Flow is running'));
    assert.match(banner.split('\n')[0]!, new RegExp(`open ${origin}/ in your browser`));
  });

  test('sign up lands in the Studio with the balance and the cost of the defaults', async () => {
    await signUp(page, first.email);
    await page.getByTestId('balance').waitFor();
    assert.match(await page.getByTestId('balance').innerText(), /^\d+ credits$/);
    // The server prices the form (POST /estimate) a moment after each change.
    const costReads = (text: string) => page.getByTestId('cost').and(page.getByText(text, { exact: true })).waitFor();
    // 81 frames of 1280×720 at 30 steps: 81/16 s of 720p video, one credit a second, rounded up.
    await costReads('6 credits');
    assert.equal(await page.getByLabel('Width (px)').inputValue(), '1280');
    await page.getByLabel('Model').selectOption('veo3.1');
    await costReads('40 credits');
    await page.getByLabel('Generate audio (doubles the cost)').check();
    await costReads('80 credits');
    await page.getByLabel('Model').selectOption('wan2.1');
    // Settings /generate would refuse show its message where the price would be.
    await page.getByLabel('Width (px)').fill('100');
    await page.getByRole('alert').filter({ hasText: "Invalid parameter 'width': must be a multiple of 16." }).waitFor();
    await costReads('not available');
    await page.getByLabel('Width (px)').fill('1280');
    await costReads('6 credits');
  });

  test('the Studio checks the image before uploading it', async () => {
    await page.locator('input[type=file]').setInputFiles({ name: 'tiny.png', mimeType: 'image/png', buffer: makePng(40, 40) });
    await page.getByRole('alert').filter({ hasText: 'each side must be 64 to 8192 pixels' }).waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByRole('alert').filter({ hasText: 'is not a PNG, JPEG or WebP image' }).waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'source.png', mimeType: 'image/png', buffer: makePng(96, 64) });
    await page.getByAltText('Preview of the source image').waitFor();
    assert.match(await page.locator('.preview figcaption').innerText(), /96×64/);
  });

  test('an API key made on the Account page is shown once and works over plain HTTP', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    assert.equal(await page.getByTestId('account-email').innerText(), first.email);
    await page.getByLabel('New key name').fill('browser test');
    await page.getByRole('button', { name: 'Create key' }).click();
    first.apiKey = (await page.getByTestId('new-key').innerText()).trim();
    assert.ok(first.apiKey.length > 20, first.apiKey);
    const row = page.getByRole('row').filter({ hasText: 'browser test' });
    await row.waitFor();
    assert.ok(!(await row.innerText()).includes(first.apiKey), 'the list shows the prefix only');
    await page.reload();
    await page.getByRole('row').filter({ hasText: 'browser test' }).waitFor();
    assert.equal(await page.getByTestId('new-key').count(), 0, 'the key is never shown again');
  });

  test('a job submitted with that key appears in History, completes, and its video plays in the page', async () => {
    const api = new ApiClient(origin, first.apiKey);
    const submitted = await api.generate({ prompt: first.prompt, ...TINY, seed: '7' });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    first.jobId = String(submitted.body.job_id);

    await page.getByRole('link', { name: 'History' }).click();
    const card = await jobCard(page, first.prompt);
    await card.waitFor();
    await waitUntil('the card to read Completed', async () => (await card.innerText()).includes('Completed'), 120_000);
    assert.match(await card.innerText(), /wan2\.1/);

    await card.getByRole('link').click();
    await page.waitForURL(`**/history/${first.jobId}`);
    await page.getByText('Development model').first().waitFor();
    const video = await playVideo(page);
    assert.equal(video.width, 32);
    assert.equal(video.height, 32);
    assert.ok(video.duration > 0 && video.duration < 2, `duration ${video.duration}`);
    assert.equal(video.played, true);
    assert.equal(await page.getByRole('link', { name: 'Download video' }).getAttribute('download'), '');
    // The stored parameters, under the contract's names.
    const facts = await page.locator('.facts').innerText();
    for (const fact of [/width\s+32/, /length\s+5/, /steps\s+2/, /seed\s+7/]) assert.match(facts, fact);
  });

  test('"use these settings again" fills the Studio, source image included, and the new job plays there', async () => {
    await page.getByRole('button', { name: 'Use these settings again' }).click();
    await page.getByRole('heading', { name: 'Studio' }).waitFor();
    await page.getByAltText('Preview of the source image').waitFor();
    assert.equal(await page.getByLabel('Prompt', { exact: true }).inputValue(), first.prompt);
    assert.equal(await page.getByLabel('Width (px)').inputValue(), '32');
    assert.equal(await page.getByLabel('Length (frames)').inputValue(), '5');
    await page.getByText('Advanced settings').click();
    assert.equal(await page.getByLabel('Diffusion steps').inputValue(), '2');
    assert.equal(await page.getByLabel('Seed').inputValue(), '7');
    assert.match(await page.locator('.preview figcaption').innerText(), /96×64/);

    await page.getByRole('button', { name: 'Generate video' }).click();
    const progress = page.locator('.job-progress');
    await progress.waitFor();
    await progress.locator('video').waitFor({ timeout: 120_000 });
    const video = await playVideo(page, '.job-progress video');
    assert.equal(video.width, 32);
    assert.equal(await progress.getByText('Development model').count(), 1);
  });

  test('History filters by status and model', async () => {
    await page.goto('/history');
    await (await jobCard(page, first.prompt)).first().waitFor();
    await page.getByLabel('Model').selectOption('veo3.1');
    await page.getByText('No jobs match these filters.').waitFor();
    await page.getByLabel('Model').selectOption('wan2.1');
    await page.getByLabel('Status').selectOption('COMPLETED');
    await waitUntil('two completed jobs', async () => (await (await jobCard(page, first.prompt)).count()) === 2);
    await page.getByLabel('Status').selectOption('FAILED');
    await page.getByText('No jobs match these filters.').waitFor();
  });

  test('every page passes axe-core at desktop and phone widths, light and dark; screenshots of each', async () => {
    const signedOut = await browser.newContext();
    const pages: [string, string, BrowserContext][] = [
      ['sign-in', '/sign-in', signedOut],
      ['sign-up', '/sign-up', signedOut],
      ['studio', '/', context],
      ['history', '/history', context],
      ['job', `/history/${first.jobId}`, context],
      ['account', '/account', context],
      ['not-found', '/no-such-page', context],
    ];
    for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
      for (const scheme of ['light', 'dark'] as const) {
        for (const [name, route, ctx] of pages) {
          const p = await ctx.newPage();
          await p.setViewportSize(VIEWPORTS[viewport]);
          await p.emulateMedia({ colorScheme: scheme });
          await p.goto(route);
          await p.locator('main h1').first().waitFor();
          await p.waitForLoadState('networkidle');
          await p.locator('[role=status].loading').waitFor({ state: 'detached' });
          await assertAccessible(p, `${name} at ${viewport} (${scheme})`);
          if (scheme === 'light' || name === 'studio') await screenshot(p, `${name}-${viewport}${scheme === 'dark' ? '-dark' : ''}`);
          // Nothing wider than the screen: phone readers never scroll sideways.
          const overflow = await p.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
          assert.equal(overflow, 0, `${name} at ${viewport} scrolls sideways`);
          await p.close();
        }
      }
    }
    await signedOut.close();
  });

  test('the keyboard reaches every control with a visible focus ring', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Studio' }).waitFor();
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(`(() => { const el = document.activeElement; const s = getComputedStyle(el); return { tag: el.tagName, label: el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30) || el.id, outline: s.outlineStyle + ' ' + s.outlineWidth }; })()`) as { tag: string; label: string; outline: string };
      assert.notEqual(focus.outline.split(' ')[0], 'none', `no visible focus on ${focus.tag} ${focus.label}`);
      seen.push(`${focus.tag}:${focus.label}`);
    }
    assert.ok(seen.some((s) => s.startsWith('A:History')), seen.join(', '));
    assert.ok(seen.some((s) => s.startsWith('INPUT')), seen.join(', '));
  });

  test('another account never sees the first one\'s jobs', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await signUp(p, `second-${Date.now()}@example.com`);
    await p.getByRole('link', { name: 'History' }).click();
    await p.getByText('No videos yet.').waitFor();
    assert.equal(await p.getByText(first.prompt).count(), 0);
    await p.goto(`/history/${first.jobId}`);
    await p.getByRole('alert').filter({ hasText: `No job with id '${first.jobId}'` }).waitFor();
    await p.goto(`/?from=${first.jobId}`);
    await p.getByRole('alert').filter({ hasText: 'No job with id' }).waitFor();
    assert.equal(await p.getByLabel('Prompt', { exact: true }).inputValue(), '');
    await other.close();
  });

  test('a cross-origin form post with the session cookie is refused', async () => {
    // Another port on the same host: same site (so SameSite=Lax sends the cookie), other origin.
    const attacker = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<form id="f" method="POST" action="${origin}/api/v1/keys" enctype="text/plain"><input name='{"name":"stolen","x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const attackerOrigin = `http://${new URL(origin).hostname}:${(attacker.address() as AddressInfo).port}`;
    const ctx = await browser.newContext({ allowOrigins: [attackerOrigin] });
    try {
      const victim = await ctx.newPage();
      await victim.goto('/sign-in');
      await victim.getByLabel('Email').fill(first.email);
      await victim.getByLabel('Password').fill(PASSWORD);
      await victim.getByRole('button', { name: 'Sign in' }).click();
      await victim.getByRole('heading', { name: 'Studio' }).waitFor();

      const evil = await ctx.newPage();
      const answer = evil.waitForResponse((r) => r.url() === `${origin}/api/v1/keys` && r.request().method() === 'POST');
      await evil.goto(attackerOrigin);
      const res = await answer;
      assert.equal(res.status(), 403);
      assert.match(JSON.stringify(await res.json()), /error/);

      await victim.goto('/account');
      await victim.getByRole('row').filter({ hasText: 'browser test' }).waitFor();
      assert.equal(await victim.getByRole('row').filter({ hasText: 'stolen' }).count(), 0);
    } finally {
      await ctx.close();
      attacker.close();
    }
  });

  test('the webhook secret shown on the Account page verifies a real delivery; rotating it there replaces it', async () => {
    await page.goto('/account');
    await page.getByRole('button', { name: 'Show secret' }).click();
    const shown = await page.getByTestId('webhook-secret').innerText();
    assert.match(shown, /^whsec_/);

    const receiver = await startWebhookReceiver(() => ({ status: 204 }));
    try {
      const api = new ApiClient(origin, first.apiKey);
      const submitted = await api.generate({ prompt: 'A signed kite', ...TINY, webhook_url: `http://127.0.0.1:${receiver.port}/hook` });
      assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
      await waitUntil('the delivery', () => receiver.received.length > 0, 120_000);
      const delivery = receiver.received[0]!;
      assert.equal((new Webhook(shown).verify(delivery.body, delivery.headers) as { job_id: string }).job_id, submitted.body.job_id);
    } finally {
      await receiver.close();
    }

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await waitUntil('the new secret', async () => (await page.getByTestId('webhook-secret').innerText()) !== shown);
    const rotated = await page.getByTestId('webhook-secret').innerText();
    assert.match(rotated, /^whsec_/);
    await page.reload();
    await page.getByRole('button', { name: 'Show secret' }).click();
    assert.equal(await page.getByTestId('webhook-secret').innerText(), rotated);
  });

  test('revoking the key on the Account page makes the API answer 401', async () => {
    await page.goto('/account');
    const row = page.getByRole('row').filter({ hasText: 'browser test' });
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Revoke key browser test' }).click();
    await page.getByText('No API keys yet.').waitFor();
    const api = new ApiClient(origin, first.apiKey);
    await waitUntil('the revoked key to be refused', async () => (await api.usage()).status === 401, 30_000);
  });

  test('failed sign-ins are slowed, then refused with the server\'s message', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto('/sign-in');
    await p.getByLabel('Email').fill(first.email);
    await p.getByLabel('Password').fill('not the password');
    const statuses: number[] = [];
    p.on('response', (r) => r.url().endsWith('/api/v1/auth/signin') && statuses.push(r.status()));
    for (let i = 0; i < 15 && !statuses.includes(429); i++) {
      await p.getByRole('button', { name: 'Sign in' }).click();
      await waitUntil('the sign-in answer', () => statuses.length === i + 1, 20_000);
      await p.getByRole('alert').waitFor();
    }
    assert.equal(statuses[0], 401);
    assert.equal(statuses.at(-1), 429, statuses.join(','));
    assert.match(await p.getByRole('alert').innerText(), /Too many failed sign-ins/);
    // Even the right password is refused while the counter is full.
    await p.getByLabel('Password').fill(PASSWORD);
    const before = statuses.length;
    await p.getByRole('button', { name: 'Sign in' }).click();
    await waitUntil('the last answer', () => statuses.length === before + 1, 20_000);
    assert.equal(statuses.at(-1), 429);
    assert.equal(await p.getByRole('heading', { name: 'Studio' }).count(), 0);
    await ctx.close();
  });

  test('no request ever left the origin', () => {
    assert.deepEqual(browser.offsite, []);
  });
});
