// The browser for the console's page tests: Debian's chromium (scripts/chromium.sh) driven by
// playwright-core, axe-core injected into pages, and screenshots for the docs when asked for.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from '../support/gateway.js';

/** The chromium binary; a missing browser fails the tests with the way to install it, never skips them. */
export function chromiumPath(): string {
  try {
    return execFileSync(join(REPO, 'scripts/chromium.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr ?? '';
    throw new Error(
      `The console's browser tests need chromium, and scripts/chromium.sh could not provide it: ${stderr.trim() || String(cause)}. ` +
        'Install it with: apt-get install -y --no-install-recommends chromium',
      { cause },
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  // Root in a container has no user namespace for chromium's sandbox; the pages are our own.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const AXE_SOURCE = readFileSync(join(REPO, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Injected through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(AXE_SOURCE);
  // A string, evaluated in the page: the tests are compiled without the DOM's types.
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

/** Saves a screenshot for the docs when PALISADE_SCREENSHOTS names a folder; does nothing otherwise. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env['PALISADE_SCREENSHOTS'];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false, scale: 'css' });
}
