// `palisade serve` says where it listens and how to try it, and prints no credential while doing
// so: not even the documented demo keys, since whatever it prints lands in someone's log.
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
  it('says demo keys are configured and where they are documented, without printing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-banner-'));
    try {
      const dev = JSON.parse(readFileSync(join(REPO, 'config/dev.json'), 'utf8')) as Record<string, unknown>;
      const config = baseConfig(dir);
      config['identity'] = dev['identity'];
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify(config));

      const output = await serveUntilListening(file);
      assert.match(output, /Palisade is listening on http:\/\/127\.0\.0\.1:\d+/);
      assert.match(output, /Demo API keys are configured; they are listed in README\.md/);
      assert.match(output, /Audit console: http:\/\/127\.0\.0\.1:\d+\/console\/ \(sign in with an API key that has the role auditor; the demo one is in README\.md/);
      assert.match(output, /curl -s http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions -H "Authorization: Bearer \$PALISADE_API_KEY"/);
      for (const key of ['sk-demo-analyst', 'sk-demo-privileged', 'sk-demo-auditor']) assert.ok(!output.includes(key), `${key} printed: ${output}`);
      assert.doesNotMatch(output, /\bsk-[A-Za-z0-9-]{6,}/, 'no key-shaped string at all');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
