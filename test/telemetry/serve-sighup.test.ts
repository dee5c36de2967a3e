// `palisade serve` re-reads its configuration file on SIGHUP: the new log level applies, a file
// that does not load is refused with an error line, and the process keeps serving either way.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, baseConfig } from '../support/gateway.js';

const CLI = join(REPO, 'gateway/src/cli.ts');

describe('palisade serve and SIGHUP', () => {
  it('reloads the log level, refuses an invalid file and keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-sighup-'));
    const file = join(dir, 'gateway.json');
    const write = (patch: (c: Record<string, unknown>) => void): void => {
      const c = baseConfig(dir);
      patch(c);
      writeFileSync(file, JSON.stringify(c));
    };
    write(() => undefined);
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', CLI, 'serve', '--config', file], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    let output = '';
    let exited = false;
    child.on('exit', () => (exited = true));
    const waitFor = async (pattern: RegExp, from = 0): Promise<string> => {
      for (;;) {
        const m = pattern.exec(output.slice(from));
        if (m) return m[0];
        assert.ok(!exited, `the gateway exited:\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    try {
      const url = (await waitFor(/"url":"http:\/\/127\.0\.0\.1:\d+"/)).slice(7, -1);
      const refuse = async (): Promise<void> => {
        const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        assert.equal(res.status, 401);
        await res.text();
      };
      const infoLines = (): number => output.split('\n').filter((l) => l.includes('request refused by identity')).length;
      await refuse();
      await waitFor(/request refused by identity/);

      write((c) => {
        c['log'] = { level: 'warn' };
      });
      let mark = output.length;
      child.kill('SIGHUP');
      assert.match(await waitFor(/\{[^\n]*configuration reloaded[^\n]*\}/, mark), /"applied":\["log\.level"\]/);
      await refuse();

      write((c) => {
        c['server'] = 'not an object';
      });
      mark = output.length;
      child.kill('SIGHUP');
      await waitFor(/"level":"error"[^\n]*configuration not reloaded/, mark);
      assert.equal(infoLines(), 1, 'no info line at level warn');
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      await health.text();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (exited ? r(undefined) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
