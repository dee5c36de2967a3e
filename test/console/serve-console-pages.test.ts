// The audit console's pages served by `palisade-audit serve --console`, the production host on the
// ledger side of the trust boundary: an auditor signs in with a console key, opens a denial the
// gateway recorded, and verifies it in the browser against the key pinned from the log's log.vkey.
// Not with workers: the browser pins the key of the one log a single gateway process writes
// (`default`); with workers each writes its own log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { ANALYST_KEY, REPO, sha256, startTestGateway, type TestGateway } from '../support/gateway.js';
import { launchChromium, seriousViolations } from './browser.js';
import { ensureWebBuilt } from './web-build.js';

const CONSOLE_KEY = 'sk-test-console-auditor-0123456789';

/** Starts `palisade-audit serve --console` on a free loopback port; resolves with the console's address. */
function serveConsole(ledgerDir: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(REPO, 'audit-consumer/bin/palisade-audit.js'), 'serve', ledgerDir, '--port', '0', '--host', '127.0.0.1', '--console', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Stops by itself should the test die before its after hook.
    timeout: 300_000,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = out.split('\n').find((l) => l.endsWith('/console/'));
      if (url) resolve({ child, url });
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`palisade-audit serve exited with ${code}: ${err}`)));
  });
}

describe('the audit console served beside the ledger', () => {
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  let server: { child: ChildProcess; url: string };
  let deniedId = '';

  before(async () => {
    ensureWebBuilt();
    browser = await launchChromium();
    gw = await startTestGateway();
    await new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions
      .create({ model: 'echo', messages: [{ role: 'user', content: 'My SSN is 536-22-8726' }] })
      .catch((err: unknown) => {
        deniedId = String((err as { error?: { decision_id?: string } }).error?.decision_id ?? '');
      });
    assert.match(deniedId, /^[0-9a-f-]{36}$/);
    // The ledger is closed by its writer before another process serves it.
    await gw.gateway.close();
    const keysFile = join(gw.dir, 'console-keys.json');
    writeFileSync(keysFile, JSON.stringify([{ id: 'console-auditor', key_sha256: sha256(CONSOLE_KEY), sub: 'examiner@example.com', roles: ['auditor'] }]));
    server = await serveConsole(gw.ledgerDir, ['--console-signing-key', join(gw.dir, 'keys/ledger.key'), '--console-keys', keysFile, '--console-index', join(gw.dir, 'console.sqlite')]);
    page = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    if (server && server.child.exitCode === null) {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
    await gw?.close();
  });

  it('signs in with a console key', async () => {
    await page.goto(server.url);
    await page.getByLabel('API key').fill(CONSOLE_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as').waitFor();
    assert.match(await page.locator('header').innerText(), /examiner@example\.com/);
  });

  it('finds the gateway\'s denial by decision id', async () => {
    await page.goto(`${server.url}search?decision_id=${deniedId}`);
    const rows = page.locator('table.decisions tbody tr');
    await rows.first().waitFor();
    assert.match((await rows.allInnerTexts()).join('\n'), /Denied[\s\S]*pii_requires_pii_reader/);
  });

  it('verifies the record in the browser against the key pinned from log.vkey', async () => {
    await page.goto(`${server.url}settings`);
    await page.getByLabel('Verifier key').fill(readFileSync(join(gw.ledgerDir, 'default', 'log.vkey'), 'utf8'));
    await page.getByRole('button', { name: 'Pin key' }).click();
    await page.goto(`${server.url}decisions/${deniedId}`);
    await page.getByRole('button', { name: 'Verify' }).click();
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    assert.match(await verdict.innerText(), /^Verified: included in checkpoint \d+$/);
  });

  it('the record page has no serious or critical accessibility violations', async () => {
    assert.deepEqual(await seriousViolations(page), []);
  });
});
