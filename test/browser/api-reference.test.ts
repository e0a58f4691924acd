import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.js';
import { openTestPglite, type TestDatabase } from '../support/databases.js';
import { startWebApi, type WebApi } from '../support/web-api.js';

/** `/docs` as a reader sees it: Swagger UI from this server, rendering this server's document. */
let database: TestDatabase;
let api: WebApi;
let browser: TestBrowser;

before(async () => {
  database = await openTestPglite();
  api = await startWebApi(database);
  browser = await launchBrowser(api.url);
});
after(async () => {
  await browser?.close();
  await api?.close();
  await database?.close();
});

describe('the API reference page', () => {
  test('renders every tag of the document and reaches nothing but this server', async () => {
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(message.text());
    });
    await page.goto('/docs');
    await page.getByRole('heading', { name: /Vivid Flow API/ }).waitFor();
    for (const tag of ['Jobs', 'Account', 'Sign-in', 'Service']) await page.locator(`#operations-tag-${tag}`).waitFor();
    // An operation opens to its parameters, with the contract's default in view.
    // An operation opens to its fields, each with its description from the zod schema.
    await page.locator('#operations-Jobs-generate').click();
    await page.locator('#operations-Jobs-generate').getByText('Wan only: guidance scale.').waitFor();
    await screenshot(page, 'api-reference-desktop');
    // Swagger UI lists what it could not resolve or parse in an errors panel.
    assert.equal(await page.locator('.errors-wrapper').count(), 0, 'Swagger UI found no errors in the document');
    assert.deepEqual(browser.offsite, [], 'requests that left the server');
    assert.deepEqual(failures, [], 'errors in the page');
    await context.close();
  });
});
