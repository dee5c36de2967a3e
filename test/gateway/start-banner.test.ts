// `palisade serve` says where it listens and how to try it, and prints no credential while doing
// so, since whatever it prints lands in someone's log; the one exception is the audit console's
// published demo key, printed only when the configuration holds exactly that key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, baseConfig } from '../support/gateway.js';

/** Runs `palisade serve` until it prints its banner, then stops it; everything it printed. */
function serveUntilListening(configFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', join(REPO, 'gateway/src/cli.ts'), 'serve', '--config', configFile], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let output = '';
    const read = (d: Buffer): void => {
      output += d.toString('utf8');
      if (output.includes('curl ')) child.kill('SIGTERM');
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', reject);
    child.on('close', () => resolve(output));
  });
}

describe('the start-up banner', () => {
  type ApiKey = { id: string; roles: string[] };
  /** What `palisade serve` prints with config/dev.json's identity, its API keys changed by `keys`. */
  async function bannerWith(keys: (all: ApiKey[]) => ApiKey[] = (all) => all): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-banner-'));
    try {
      const dev = JSON.parse(readFileSync(join(REPO, 'config/dev.json'), 'utf8')) as { identity: { api_keys: ApiKey[] } };
      const config = baseConfig(dir);
      config['identity'] = { ...dev.identity, api_keys: keys(dev.identity.api_keys) };
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify(config));
      return await serveUntilListening(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('says demo keys are configured and where they are documented, printing only the console demo key', async () => {
    const output = await bannerWith();
    assert.match(output, /Palisade is listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(output, /Demo API keys are configured; they are listed in README\.md/);
    assert.match(output, /Audit console: http:\/\/127\.0\.0\.1:\d+\/console\/ \(sign in with the demo auditor key sk-demo-auditor\)/);
    assert.match(output, /curl -s http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions -H "Authorization: Bearer \$PALISADE_API_KEY"/);
    for (const key of ['sk-demo-analyst', 'sk-demo-privileged']) assert.ok(!output.includes(key), `${key} printed: ${output}`);
    assert.deepEqual(output.match(/\bsk-[A-Za-z0-9-]{6,}/g), ['sk-demo-auditor'], 'no other key-shaped string');
  });

  it('prints no key when the auditors have keys of the deployment’s own', async () => {
    // The analyst's key (not the published console key) is made an auditor's, and the demo auditor removed.
    const output = await bannerWith((all) => all.filter((k) => k.id !== 'demo-auditor').map((k) => (k.id === 'demo-analyst' ? { ...k, roles: ['auditor'] } : k)));
    assert.match(output, /Audit console: http:\/\/127\.0\.0\.1:\d+\/console\/ \(sign in with an API key that has the role auditor\)/);
    assert.doesNotMatch(output, /\bsk-[A-Za-z0-9-]{6,}/);
  });

  it('says so when no API key has the role auditor', async () => {
    const output = await bannerWith((all) => all.filter((k) => k.id !== 'demo-auditor'));
    assert.match(output, /Audit console: http:\/\/127\.0\.0\.1:\d+\/console\/ \(no API key has the role auditor yet\)/);
  });
});
