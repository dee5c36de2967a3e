// SIGHUP re-reads the configuration file: the log level changes in place, a file that does not
// load changes nothing (the gateway keeps serving), and other changes are reported as waiting
// for a restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../gateway/src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../gateway/src/start.js';
import { ANALYST_KEY, baseConfig } from '../support/gateway.js';

interface LogLine {
  level: string;
  msg: string;
  applied?: string[];
  restart_required?: string[];
  problems?: unknown;
}

describe('reloading the configuration on SIGHUP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-reload-'));
  const file = join(dir, 'gateway.json');
  const logs: LogLine[] = [];
  let gateway: RunningGateway;
  let hupListeners = 0;

  const tokenFile = join(dir, 'admin.token');
  writeFileSync(tokenFile, 'admin-token-before-0123456789\n');
  const writeConfig = (patch: (c: Record<string, unknown>) => void): void => {
    const c = baseConfig(dir);
    c['server'] = { ...(c['server'] as object), admin_token_file: tokenFile };
    patch(c);
    writeFileSync(file, JSON.stringify(c));
  };
  /** Sends SIGHUP to this process and waits for the line the gateway answers it with. */
  async function hangUp(expect: string): Promise<LogLine> {
    const from = logs.length;
    process.kill(process.pid, 'SIGHUP');
    for (;;) {
      const line = logs.slice(from).find((l) => l.msg === expect);
      if (line) return line;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const refusedLines = (): number => logs.filter((l) => l.msg === 'request refused by identity').length;
  async function unauthenticated(): Promise<void> {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 401);
    await res.text();
  }

  before(async () => {
    writeConfig(() => undefined);
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as LogLine);
        cb();
      },
    });
    hupListeners = process.listenerCount('SIGHUP');
    gateway = await startGateway(loadConfig(file, {}), { logDestination: destination, reload: { load: () => loadConfig(file, {}) } });
  });
  after(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a new log level at once', async () => {
    await unauthenticated();
    assert.equal(refusedLines(), 1, 'info lines are written at level info');
    writeConfig((c) => {
      c['log'] = { level: 'warn' };
    });
    const reloaded = await hangUp('configuration reloaded');
    assert.deepEqual(reloaded.applied, ['log.level']);
    assert.deepEqual(reloaded.restart_required, []);
    await unauthenticated();
    assert.equal(refusedLines(), 1, 'no info line at level warn');
  });

  it('keeps the running configuration, and serves, when the file is not valid', async () => {
    writeConfig((c) => {
      c['log'] = { level: 'info' };
      c['server'] = { ...(c['server'] as object), port: 'eighty' };
    });
    const refused = await hangUp('configuration not reloaded: the file is not valid; the running configuration stays');
    assert.equal(refused.level, 'error');
    assert.match(JSON.stringify(refused.problems), /\/server\/port/);
    await unauthenticated();
    assert.equal(refusedLines(), 1, 'the level is still warn');
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'Hello' }] }),
    });
    assert.equal(res.status, 200);
    await res.text();
  });

  it('names the changes that need a restart and applies none of them', async () => {
    writeConfig((c) => {
      c['log'] = { level: 'info' };
      c['server'] = { ...(c['server'] as object), max_queue: 7 };
      c['telemetry'] = { otlp: { endpoint: 'http://127.0.0.1:9' } };
    });
    const waiting = await hangUp('configuration changes wait for a restart');
    assert.deepEqual(waiting.restart_required, ['server', 'telemetry']);
    await unauthenticated();
    assert.equal(refusedLines(), 2, 'the level is info again');
  });

  it('names a changed secret file as waiting for a restart, without its contents', async () => {
    writeConfig((c) => {
      c['log'] = { level: 'info' };
    });
    writeFileSync(tokenFile, 'admin-token-after-0123456789\n');
    const waiting = await hangUp('configuration changes wait for a restart');
    assert.deepEqual(waiting.restart_required, ['secret files']);
    assert.doesNotMatch(JSON.stringify(logs), /admin-token-(before|after)/);
  });

  it('stops listening for SIGHUP once closed', async () => {
    assert.equal(process.listenerCount('SIGHUP'), hupListeners + 1);
    await gateway.close();
    assert.equal(process.listenerCount('SIGHUP'), hupListeners);
  });
});
