// The audit console in a real browser against a real gateway in embedded mode: an auditor signs in,
// finds an SSN denial, reads it, verifies it in the browser against a pinned key, sees a flipped
// ledger byte detected, exports evidence that verifies offline, and erases a subject. Every page is
// checked with axe-core and runs under the console's Content-Security-Policy.
// Not with workers: the gateway serves its embedded audit console only as one process (docs/workers.md).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ANALYST_KEY, PRIVILEGED_KEY, sha256, startTestGateway, type TestGateway } from '../support/gateway.js';
import { runCli } from '../support/cli.js';
import { launchChromium, screenshot, seriousViolations } from './browser.js';
import { ensureWebBuilt } from './web-build.js';
import { flipEntryByte, waitLedgerQuiet } from './ledger-bytes.js';

const AUDITOR_KEY = 'sk-test-auditor-0123456789';
const SSN_PROMPT = 'Please file the claim for John, SSN 536-22-8726, today.';

describe('the audit console in a browser', () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let console_: string;
  let deniedId = '';
  let allowedId = '';
  const cspViolations: string[] = [];
  const downloads = mkdtempSync(join(tmpdir(), 'palisade-console-downloads-'));

  const client = (key: string): OpenAI => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });

  /** Waits until the console's index (tailed from the ledger) holds the decision. */
  async function waitIndexed(id: string): Promise<void> {
    const signIn = await fetch(`${console_}api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: AUDITOR_KEY }) });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${console_}api/decisions?decision_id=${id}`, { headers: { cookie } });
      const body = (await res.json()) as { items?: unknown[] };
      if (body.items?.length) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Decision ${id} never reached the console's index.`);
  }

  async function open(path: string, heading: RegExp): Promise<void> {
    await page.goto(`${console_}${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  before(async () => {
    ensureWebBuilt();
    browser = await launchChromium();
    gw = await startTestGateway((c) => {
      const identity = c['identity'] as { api_keys: unknown[] };
      identity.api_keys.push({ id: 'auditor', key_sha256: sha256(AUDITOR_KEY), sub: 'auditor@example.com', tenant: 'acme', roles: ['auditor', 'content-reader'], app: 'audit-console' });
    });
    console_ = `${gw.url}/console/`;
    const allowed = await client(ANALYST_KEY).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'Summarise the quarterly report.' }] }).withResponse();
    allowedId = allowed.response.headers.get('x-palisade-decision-id') ?? '';
    await client(ANALYST_KEY)
      .chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: SSN_PROMPT }] })
      .catch((err: unknown) => {
        deniedId = ((err as { error?: { decision_id?: string } }).error?.decision_id ?? '').toString();
      });
    assert.match(deniedId, /^[0-9a-f-]{36}$/, 'the SSN prompt was denied with a decision id');
    await waitIndexed(deniedId);
    context = await browser.newContext({ viewport: { width: 1100, height: 700 }, acceptDownloads: true, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.on('console', (msg) => {
      if (/Content[- ]Security[- ]Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await gw?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  it('refuses sign-in for a key without the auditor role, saying why', async () => {
    await page.goto(console_);
    await page.getByLabel('API key').fill(PRIVILEGED_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /does not carry the auditor role[\s\S]*CON_ERR_NOT_AUDITOR/);
  });

  it('refuses sign-in for an unknown key', async () => {
    await page.getByLabel('API key').fill('sk-not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('CON_ERR_SIGN_IN_INVALID').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /not known/);
  });

  it('the sign-in page has no serious or critical accessibility violations', async () => {
    await screenshot(page, 'sign-in');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('signs in with the auditor key, from the keyboard', async () => {
    await page.getByLabel('API key').fill(AUDITOR_KEY);
    await page.keyboard.press('Enter');
    await page.getByText('Signed in as').waitFor();
    assert.match(await page.locator('header').innerText(), /Signed in as auditor@example\.com/);
  });

  it('the overview shows decisions by outcome and denials by reason', async () => {
    await open('', /Overview/);
    await page.getByText('Denials by reason code as a table').click();
    const table = page.locator('figure', { hasText: 'Denials by reason code' }).locator('table');
    assert.match(await table.innerText(), /pii_requires_pii_reader\s+1/);
  });

  it('the overview has no serious or critical accessibility violations', async () => {
    await screenshot(page, 'overview');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('offers "Skip to content" as the first stop of the keyboard', async () => {
    await open('', /Overview/);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.textContent'), 'Skip to content');
  });

  it('search finds the SSN denial by outcome and data class', async () => {
    await open('search', /Search decisions/);
    await page.getByLabel('Outcome').selectOption('denied');
    await page.getByLabel('Data class').fill('US_SSN');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const rows = page.locator('table.decisions tbody tr');
    await rows.first().waitFor();
    const texts = await rows.allInnerTexts();
    assert.equal(texts.length, 1, texts.join('\n'));
    assert.match(texts[0] ?? '', /analyst@example\.com[\s\S]*Denied[\s\S]*pii_requires_pii_reader[\s\S]*US_SSN/);
  });

  it('the search page has no serious or critical accessibility violations', async () => {
    // The picture shows the last filters above the results.
    await page.evaluate("window.scrollTo(0, document.getElementById('results-heading').offsetTop - 330)");
    await screenshot(page, 'search');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('opens the record from the search results as one story', async () => {
    await page.getByRole('link', { name: new RegExp(`Decision ${deniedId}`) }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(deniedId) }).waitFor();
    const text = await page.locator('main').innerText();
    assert.match(text, /analyst@example\.com[\s\S]*the policy denied it/);
    assert.match(text, /US_SSN\s+1/);
    assert.match(text, /pii_requires_pii_reader/);
    assert.doesNotMatch(text, /536-22-8726/, 'classified values never appear');
  });

  it('Verify says when no key is pinned and shows the key the server presents', async () => {
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('No verifier key is pinned in this browser').waitFor();
    const vkey = readFileSync(join(gw.ledgerDir, 'default', 'log.vkey'), 'utf8').trim();
    assert.match(await page.locator('.verify').innerText(), new RegExp(vkey.replace(/[+/]/g, '\\$&')));
  });

  it('pins the key the auditor was given on the key pinning page', async () => {
    await open('settings', /Key pinning/);
    const vkey = readFileSync(join(gw.ledgerDir, 'default', 'log.vkey'), 'utf8').trim();
    await page.getByLabel('Verifier key').fill(vkey);
    await page.getByRole('button', { name: 'Pin key' }).click();
    await page.locator('.notice', { hasText: /^Pinned / }).waitFor();
    assert.match(await page.getByRole('region', { name: 'Pinned keys' }).innerText(), new RegExp(vkey.replace(/[+/]/g, '\\$&')));
  });

  it('the key pinning page has no serious or critical accessibility violations', async () => {
    await screenshot(page, 'key-pinning');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('Verify checks the record in the browser: included in the signed checkpoint', async () => {
    await open(`decisions/${deniedId}`, new RegExp(deniedId));
    await page.getByRole('button', { name: 'Verify' }).click();
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    assert.match(await verdict.innerText(), /^Verified: included in checkpoint \d+$/);
  });

  it('the record page has no serious or critical accessibility violations', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'record');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('a later Verify proves the log is append-only since the checkpoint seen before', async () => {
    await client(ANALYST_KEY).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'One more question.' }] });
    await open(`decisions/${allowedId}`, new RegExp(allowedId));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('.verdict').waitFor();
    assert.match(await page.locator('.growth').innerText(), /^Append-only since size \d+/);
  });

  it('the checkpoints page lists the log\'s checkpoints over time', async () => {
    await open('checkpoints', /Checkpoints/);
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 1);
    assert.match(await page.locator('main').innerText(), /This browser last verified size \d+/);
  });

  it('the checkpoints page has no serious or critical accessibility violations', async () => {
    await screenshot(page, 'checkpoints');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('exports the selected decision as an evidence package that verifies offline', async () => {
    await page.goto(`${console_}search?decision_id=${deniedId}`);
    await page.getByLabel(`Select decision ${deniedId}`).check();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export selected (1)' }).click()]);
    const file = join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    // Checked with the key the auditor was given, not the one inside the package.
    const vkey = readFileSync(join(gw.ledgerDir, 'default', 'log.vkey'), 'utf8').trim();
    const checked = await runCli('palisade-audit', ['verify-evidence', file, '--vkey', vkey]);
    assert.match(checked.stdout, /^OK \d+ records verify/, checked.stderr + checked.stdout);
  });

  it('"Export this query" downloads an evidence package', async () => {
    await page.goto(`${console_}search?outcome=denied`);
    await page.locator('table.decisions tbody tr').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export this query' }).click()]);
    assert.match(download.suggestedFilename(), /^palisade-evidence-.*\.tar\.gz$/);
  });

  it('the subject page lists the person\'s decisions', async () => {
    await open(`subjects/${encodeURIComponent('analyst@example.com')}`, /analyst@example\.com/);
    const rows = page.locator('table.decisions tbody tr');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 3);
  });

  it('the subject page has no serious or critical accessibility violations', async () => {
    await screenshot(page, 'subject');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('erases a subject only after their id is typed, and says so', async () => {
    const erase = page.getByRole('button', { name: 'Erase analyst@example.com' });
    assert.equal(await erase.isDisabled(), true, 'the button waits for the typed confirmation');
    await page.getByLabel(/Type the subject's id/).fill('analyst@example.com');
    await erase.click();
    await page.getByText(/^Erased: /).waitFor();
    await page.getByText("This person's data has been erased", { exact: false }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Erase / }).count(), 0, 'nothing is left to erase');
  });

  it('a record still verifies after its subject is erased', async () => {
    await open(`decisions/${deniedId}`, new RegExp(deniedId));
    await page.getByRole('button', { name: 'Verify' }).click();
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    assert.match(await verdict.innerText(), /^Verified: included in checkpoint \d+$/);
  });

  it('shows a failed verification after one byte of the ledger entry is flipped', async () => {
    await open(`decisions/${deniedId}`, new RegExp(deniedId));
    await waitLedgerQuiet(join(gw.ledgerDir, 'default'));
    flipEntryByte(join(gw.ledgerDir, 'default'), deniedId);
    await page.getByRole('button', { name: 'Verify' }).click();
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    assert.match(await verdict.innerText(), /^Verification failed \(Decision record\): Entry \d+ of log default is not included in checkpoint \d+/);
  });

  it('the failed verification has no serious or critical accessibility violations', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'record-tampered');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('runs every page under the console\'s Content-Security-Policy without a violation', () => {
    assert.deepEqual(cspViolations, []);
  });
});
