// The overview in a real browser against a gateway deciding with a shadow bundle: the active
// bundle, its history and the shadow results, as tables a screen reader can navigate.
// Not with workers: the gateway serves its embedded audit console only as one process (docs/workers.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ANALYST_KEY } from '../support/gateway.js';
import { SHADOW_REVISION, startShadowGateway, type ShadowGateway } from '../console-api/shadow-support.js';
import { AUDITOR_KEY, call, chat, eventually, signIn } from '../console-api/support.js';
import { launchChromium, screenshot, seriousViolations } from './browser.js';
import { ensureWebBuilt } from './web-build.js';

describe('the overview shows the policy bundles and their shadow results', () => {
  let sg: ShadowGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    ensureWebBuilt();
    browser = await launchChromium();
    sg = await startShadowGateway();
    await chat(sg.gw.url, ANALYST_KEY, 'Hello there');
    await chat(sg.gw.url, ANALYST_KEY, 'My SSN is 536-22-8726');
    const session = await signIn(sg.gw.url, AUDITOR_KEY);
    await eventually(async () => {
      const body = (await call(sg.gw.url, '/console/api/overview', { session })).body as { shadow_bundles: { evaluated: number }[] };
      return body.shadow_bundles.some((s) => s.evaluated >= 2) ? true : undefined;
    }, 'both shadowed decisions in the index');
    context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    await page.goto(`${sg.gw.url}/console/`);
    await page.getByLabel('API key').fill(AUDITOR_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: /Overview/ }).waitFor();
    await page.getByRole('table', { name: /Shadow results/ }).waitFor();
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await sg?.close();
  });

  it('names the active bundle revision', async () => {
    const section = page.getByRole('region', { name: 'Policy bundles' });
    assert.match(await section.innerText(), new RegExp(`Active: ${sg.enforcedRevision.slice(0, 24)}`));
  });

  it('lists the revision history with when each became active and its decisions', async () => {
    const table = page.getByRole('table', { name: 'Bundle history' });
    const header = await table.getByRole('columnheader').allInnerTexts();
    const row = table.getByRole('row').nth(1);
    const revision = (await row.locator('code').first().innerText()).replace(/…$/, '');
    const decisions = (await row.getByRole('cell').allInnerTexts())[4];
    assert.deepEqual({ header: header[2], revision, decisions }, { header: 'Active from (first decision)', revision: sg.enforcedRevision.slice(0, 24), decisions: '2' });
  });

  it('shows the shadow revision with how often and which way it differed', async () => {
    const table = page.getByRole('table', { name: /Shadow results/ });
    const cells = await table.getByRole('row').nth(1).getByRole('cell').allInnerTexts();
    assert.deepEqual([cells[1], ...cells.slice(4)], [SHADOW_REVISION, '2', '2', '1', '1']);
  });

  it('gives every shadow column a header', async () => {
    const headers = await page.getByRole('table', { name: /Shadow results/ }).getByRole('columnheader').allInnerTexts();
    assert.deepEqual(headers, [
      'Bundle',
      'Revision',
      'First evaluated',
      'Last evaluated',
      'Decisions evaluated',
      'Differed',
      'Enforced allowed, shadow denied',
      'Enforced denied, shadow allowed',
    ]);
  });

  it('has no serious or critical accessibility violations', async () => {
    await screenshot(page, 'overview-bundles');
    assert.deepEqual(await seriousViolations(page), []);
  });
});
