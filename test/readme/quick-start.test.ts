// The README's quick start, run as written: each curl command of its first shell block, the
// JavaScript snippet saved as the file it tells the reader to save, and the auditor's verify
// command, against a gateway started from config/dev.json. Only the address (127.0.0.1:8080,
// which a test cannot count on) and the ledger folder are replaced. What the README says each
// command prints (its `# ->` lines) is checked in the output.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO, startTestGateway, type TestGateway } from '../support/gateway.js';

const run = promisify(execFile);
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const ADDRESS = 'http://127.0.0.1:8080';

/** The fenced blocks of a section of the README, by language. */
function blocks(section: string, lang: string): string[] {
  const start = README.indexOf(`## ${section}`);
  const end = README.indexOf('\n## ', start + 1);
  const text = README.slice(start, end < 0 ? undefined : end);
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');
}

interface Step {
  command: string;
  expect: string[];
}

/** Commands (continuation lines joined) and the `# ->` lines that follow each. */
function steps(block: string): Step[] {
  const out: Step[] = [];
  let command = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('# ->') || (line.startsWith('#  ') && out.length > 0 && command === '')) {
      out.at(-1)?.expect.push(line.replace(/^#( ->)?/, ''));
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    command += `${line}\n`;
    if (!line.endsWith('\\')) {
      out.push({ command, expect: [] });
      command = '';
    }
  }
  return out;
}

/** What a `# ->` line promises, as fragments to find in the output: JSON pairs, header lines, status codes. */
function fragments(expect: readonly string[]): string[] {
  const text = expect.join(' ');
  const found: string[] = [];
  for (const m of text.matchAll(/"[a-z_]+":"[^"…]+"/g)) found.push(m[0]);
  for (const m of text.matchAll(/x-ratelimit-[a-z]+: \d+/g)) found.push(m[0].split(':')[0] ?? '');
  for (const m of text.matchAll(/"(\d{3})"/g)) found.push(m[1] ?? '');
  return found;
}

describe('the README quick start, as written', () => {
  let gw: TestGateway;
  let scratch: string;

  before(async () => {
    const dev = JSON.parse(readFileSync(join(REPO, 'config/dev.json'), 'utf8')) as Record<string, unknown>;
    gw = await startTestGateway((c) => {
      for (const key of ['identity', 'limits', 'providers', 'models']) c[key] = dev[key];
      (c['audit'] as { ledger: Record<string, unknown> }).ledger['checkpoint_interval_ms'] = 10;
    });
    // Under node_modules so that `import OpenAI from 'openai'` resolves as it does in a user's project.
    mkdirSync(join(REPO, 'node_modules/.cache'), { recursive: true });
    scratch = mkdtempSync(join(REPO, 'node_modules/.cache/readme-'));
  });
  after(async () => {
    await gw?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const curlSteps = steps(blocks('Quick start', 'sh')[0] ?? '');

  it('has the curl commands it describes', () => {
    assert.ok(curlSteps.length >= 5, `found ${curlSteps.length} commands`);
  });

  for (const [i, step] of curlSteps.entries()) {
    it(`curl command ${i + 1} prints what the README says`, async () => {
      const { stdout } = await run('bash', ['-c', step.command.replaceAll(ADDRESS, gw.url)], { timeout: 60_000 });
      assert.ok(stdout.length > 0, 'it prints something');
      for (const f of fragments(step.expect)) assert.ok(stdout.toLowerCase().includes(f.toLowerCase()), `"${f}" in: ${stdout}`);
    });
  }

  it('the JavaScript snippet runs as the file the README names', async () => {
    const [snippet] = blocks('Quick start', 'js');
    assert.ok(snippet);
    const name = /save (?:it )?as `([^`]+\.mjs)`/.exec(README)?.[1];
    assert.ok(name, 'the README names the file to save the snippet as');
    const file = join(scratch, name);
    writeFileSync(file, snippet.replaceAll(ADDRESS, gw.url));
    const { stdout } = await run(process.execPath, [file], { timeout: 60_000, cwd: scratch });
    assert.match(stdout, /user: My SSN is 536-22-8726/);
    assert.match(stdout, /user: Hi/);
  });

  it('the auditor verifies the ledger the gateway wrote', async () => {
    const [verify] = blocks('Quick start', 'sh').filter((b) => b.includes('palisade-audit verify'));
    assert.ok(verify);
    await new Promise((r) => setTimeout(r, 50));
    const { stdout } = await run('bash', ['-c', verify.replaceAll('data/ledger', gw.ledgerDir)], { timeout: 60_000, cwd: REPO });
    assert.match(stdout, /ok|verified/i);
  });
});
