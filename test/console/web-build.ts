// Builds the console's web pages for the tests when the built copy is missing or older than a source
// file. Test files run two at a time, so the build holds a lock: one builds, the other waits and
// then finds the pages fresh.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/gateway.js';

const WEB = join(REPO, 'packages/console/web');
const BUILT = join(REPO, 'packages/console/web-dist/index.html');
const LOCK = join(tmpdir(), 'palisade-console-web-build.lock');
// A lock older than this was left by a run that died while building.
const STALE_LOCK_MS = 120_000;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function fresh(): boolean {
  return existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestSource(WEB);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function lock(): void {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else sleep(200);
    }
  }
}

export function ensureWebBuilt(): void {
  if (fresh()) return;
  lock();
  try {
    if (fresh()) return;
    execFileSync(join(REPO, 'node_modules/.bin/vite'), ['build', '--config', join(WEB, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
