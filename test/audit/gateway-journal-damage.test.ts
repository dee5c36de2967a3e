// The embedded gateway with a damaged ledger journal: it is never ready, names the file and the
// byte, forwards nothing, and starts again once an operator has run `palisade-audit recover`.
import assert from 'node:assert/strict';
import { runCli, type CliResult } from '../support/cli.js';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import OpenAI from 'openai';
import { parseConfig, startGateway, type RunningGateway } from '@palisade/gateway';
import { ANALYST_KEY, baseConfig } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { readLedgerRecords } from '../support/ledger.js';

interface Started {
  gateway: RunningGateway;
  logs: string[];
}

async function start(dir: string, upstream: FakeOpenAI): Promise<Started> {
  const config = baseConfig(dir);
  (config['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
  (config['models'] as unknown[]).push({ name: 'gpt-test', provider: 'upstream', upstream_model: 'gpt-upstream-1' });
  // Records stay in the journal: no checkpoint is published while the test runs.
  const audit = config['audit'] as { ledger: Record<string, unknown> };
  audit.ledger['checkpoint_every'] = 1_000_000;
  audit.ledger['checkpoint_interval_ms'] = 3_600_000;
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      cb();
    },
  });
  const gateway = await startGateway(parseConfig({ path: 'test-config.json', text: JSON.stringify(config), env: {} }), { logDestination: destination });
  return { gateway, logs };
}

function ask(gateway: RunningGateway, text: string): Promise<OpenAI.Chat.Completions.ChatCompletion> {
  const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  return client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: text }] });
}

function recover(logDir: string): Promise<CliResult> {
  return runCli('palisade-audit', ['recover', logDir]);
}

function frameStarts(journal: Buffer): number[] {
  const starts: number[] = [];
  for (let at = 0; at < journal.length; at += 8 + journal.readUInt32BE(at)) starts.push(at);
  return starts;
}

describe('embedded gateway with a damaged journal', () => {
  const dirs: string[] = [];
  const running: RunningGateway[] = [];
  let upstream: FakeOpenAI | undefined;
  after(async () => {
    for (const g of running) await g.close();
    await upstream?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses to become ready and forwards nothing until recovered, then starts again', async () => {
    upstream = await startFakeOpenAI();
    const first = mkdtempSync(join(tmpdir(), 'palisade-gw-'));
    const crashed = mkdtempSync(join(tmpdir(), 'palisade-gw-'));
    dirs.push(first, crashed);
    const a = await start(first, upstream);
    running.push(a.gateway);
    for (let i = 0; i < 20; i++) await ask(a.gateway, `Question ${i}`);
    // The folder as a crash would leave it: every answered request's records only in the journal.
    cpSync(first, crashed, { recursive: true });
    const logDir = join(crashed, 'ledger/default');
    const journalPath = join(logDir, 'journal');
    const journal = readFileSync(journalPath);
    const starts = frameStarts(journal);
    assert.equal(starts.length, 40, 'a decision and an outcome for each of 20 requests');
    const middle = Math.floor(journal.length / 2);
    const damagedAt = starts.filter((s) => s <= middle).at(-1)!;
    const kept = starts.indexOf(damagedAt);
    journal[middle]! ^= 0x01;
    writeFileSync(journalPath, journal);

    const b = await start(crashed, upstream);
    running.push(b.gateway);
    const ready = await fetch(`${b.gateway.url}/readyz`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as { components: { audit: { ready: boolean; detail?: string } } };
    assert.equal(body.components.audit.ready, false);
    assert.ok(body.components.audit.detail?.includes(`AUD_ERR_JOURNAL_DAMAGED`), body.components.audit.detail);
    assert.ok(body.components.audit.detail?.includes(`${journalPath} is damaged at byte ${damagedAt}`), body.components.audit.detail);
    assert.ok(b.logs.some((l) => l.includes('journal is damaged') && l.includes(`"offset":${damagedAt}`)), 'the refusal is logged');

    const forwarded = upstream.received.length;
    await assert.rejects(ask(b.gateway, 'Anything'), (err: unknown) => err instanceof OpenAI.APIError && err.status === 503);
    assert.equal(upstream.received.length, forwarded, 'nothing reached the provider');
    assert.deepEqual(readFileSync(journalPath), journal, 'the damaged journal is left as it is');
    await b.gateway.close();

    const run = await recover(logDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`kept ${kept} frame\\(s\\) \\(${damagedAt} bytes\\); dropped ${journal.length - damagedAt} bytes from byte ${damagedAt}`));
    const recorded = readFileSync(join(logDir, 'journal-recoveries.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dropped: { entries: number[][] }; damaged_copy: string });
    assert.equal(recorded.length, 1);
    assert.deepEqual(recorded[0]!.dropped.entries, [[kept + 1, 39]]);
    assert.ok(readdirSync(logDir).includes(recorded[0]!.damaged_copy));
    assert.deepEqual(readFileSync(join(logDir, recorded[0]!.damaged_copy)), journal);

    const c = await start(crashed, upstream);
    running.push(c.gateway);
    assert.equal((await fetch(`${c.gateway.url}/readyz`)).status, 200);
    await ask(c.gateway, 'After recovery');
    assert.equal(upstream.received.length, forwarded + 1);
    await c.gateway.close();
    assert.equal(readLedgerRecords(logDir).length, kept + 2);
  });
});
