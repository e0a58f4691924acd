import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, kept off the network it would otherwise try to reach (see FACTS.md); launch() gives it a fresh temporary profile. */
export const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
/** Where the browser tests leave a screenshot of each page at each width. */
export const SCREENSHOT_DIR = path.join(root, 'test-results', 'screenshots');

export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export interface TestBrowser {
  readonly browser: Browser;
  /** A fresh profile (no cookies) whose requests may go only to `origins`; anything else is aborted and recorded. */
  newContext(options?: { viewport?: ViewportName; colorScheme?: 'light' | 'dark'; allowOrigins?: readonly string[] }): Promise<BrowserContext>;
  /** Every request that tried to leave the allowed origins, across all contexts. */
  readonly offsite: string[];
  close(): Promise<void>;
}

export async function launchBrowser(origin: string): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      '--disable-dev-shm-usage',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const offsite: string[] = [];
  return {
    browser,
    offsite,
    async newContext(options = {}) {
      const allowed = new Set([origin, ...(options.allowOrigins ?? [])]);
      const context = await browser.newContext({ viewport: VIEWPORTS[options.viewport ?? 'desktop'], colorScheme: options.colorScheme ?? 'light', baseURL: origin });
      // A step that cannot happen fails with its locator instead of hanging the file.
      context.setDefaultTimeout(30_000);
      await context.route(
        (url) => (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:') && !allowed.has(url.origin),
        (route) => {
          offsite.push(route.request().url());
          return route.abort('blockedbyclient');
        },
      );
      return context;
    },
    async close() {
      await browser.close();
    },
  };
}

/** axe-core in the page: no serious or critical violation, each listed with its nodes if any. */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `${label}: axe-core found serious or critical violations`,
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

interface VideoLike {
  readyState: number;
  duration: number;
  videoWidth: number;
  videoHeight: number;
  muted: boolean;
  error: { code: number; message: string } | null;
  play(): Promise<void>;
}

/** What the page's <video> reports once it can play: how a person would see the result. */
export async function playVideo(page: Page, selector = 'video'): Promise<{ duration: number; width: number; height: number; played: boolean }> {
  const video = page.locator(selector).first();
  await video.waitFor();
  // The root tsconfig has no DOM library: the element is typed by what is read from it.
  return video.evaluate(async (el: VideoLike) => {
    // Polled rather than awaited on events: an error or metadata that came first would fire no event.
    for (let i = 0; i < 200 && el.readyState < 1 && !el.error; i++) await new Promise((r) => setTimeout(r, 100));
    if (el.error) throw new Error(`the video failed to load: error ${el.error.code} ${el.error.message}`);
    if (el.readyState < 1) throw new Error('the video did not load its metadata within 20 s');
    el.muted = true;
    const played = await el.play().then(
      () => true,
      () => false,
    );
    return { duration: el.duration, width: el.videoWidth, height: el.videoHeight, played };
  });
}
