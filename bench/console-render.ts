// The audit console's first render at scale: the console handler mounted on a loopback server over
// an index already holding the bench's records, opened in headless chromium (playwright-core), timed
// from navigation until the overview's charts are drawn and until the search results show rows.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { createConsole } from '@palisade/console';

const REPO = join(import.meta.dirname, '..');
const AUDITOR_KEY = 'sk-bench-console-auditor';
const LOADS = 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/** Milliseconds from each navigation to `url` until `ready` holds, over several loads, first one included. */
async function loads(context: BrowserContext, url: string, ready: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator(ready).last().waitFor({ timeout: 60_000 });
    times.push(performance.now() - started);
    await page.close();
  }
  return times;
}

function line(name: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const each = times.map((t) => Math.round(t)).join(', ');
  return `first render "${name}" (${times.length} loads): p50 ${Math.round(percentile(sorted, 50))} ms, p95 ${Math.round(percentile(sorted, 95))} ms (target ≤ 1000 ms); each: ${each}`;
}

// Chart.js marks a canvas it has taken (display: block) when it draws the chart's first frame; the
// overview has four charts, and the last one drawn is the one waited for.
const CHARTS_DRAWN = 'figure.chart:nth-of-type(4) canvas[style*="display: block"]';
const ROWS_SHOWN = 'table.decisions tbody tr';

/**
 * Times the console's first render over `ledgerDir` and its built index at `indexPath`; `nowMs` is
 * the console's clock, just after the newest record, so the overview's default week holds them.
 */
export async function benchConsoleRender(ledgerDir: string, indexPath: string, nowMs: number): Promise<string[]> {
  if (!existsSync(join(REPO, 'packages/console/web-dist/index.html'))) return ['first render: skipped, the web pages are not built (run `make deps`)'];
  const auditConsole = await createConsole({
    ledgerDir,
    indexPath,
    tailIntervalMs: 0,
    hostId: 'bench',
    secureCookies: false,
    clock: () => nowMs,
    authenticateKey: (key) => (key === AUDITOR_KEY ? { sub: 'auditor@example.com', iss: 'palisade:api-key', roles: ['auditor'], auth: 'api_key' } : undefined),
    // The bench's ledger is closed; the console's own actions are not what is measured.
    recordAction: async () => undefined,
  });
  const server = createServer((req, res) => {
    void auditConsole.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  const base = await listen(server);
  const executablePath = execFileSync(join(REPO, 'scripts/chromium.sh'), { encoding: 'utf8' }).trim();
  // Root in a container has no user namespace for chromium's sandbox; the pages are our own.
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    const signIn = await context.newPage();
    await signIn.goto(`${base}/console/`);
    await signIn.getByLabel('API key').fill(AUDITOR_KEY);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await signIn.getByText('Signed in as').waitFor();
    await signIn.close();
    const started = performance.now();
    const overviewApi = await context.request.get(`${base}/console/api/overview`);
    const overviewApiMs = performance.now() - started;
    if (!overviewApi.ok()) throw new Error(`The overview answered ${overviewApi.status()}`);
    return [
      `overview API alone (default week, all records in it): ${Math.round(overviewApiMs)} ms`,
      line('overview charts, the landing page', await loads(context, `${base}/console/`, CHARTS_DRAWN)),
      line('search, newest first', await loads(context, `${base}/console/search`, ROWS_SHOWN)),
      line('search, denied with a reason', await loads(context, `${base}/console/search?outcome=denied&reason=secret_in_prompt`, ROWS_SHOWN)),
    ];
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
    await auditConsole.close();
  }
}
