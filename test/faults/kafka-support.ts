// Shared by the Kafka fault tests: a gateway auditing to a topic with the provider behind it, the
// size of its spool, and the final check that the ledger holds exactly what callers were promised.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import type { FakeOpenAI } from '../support/fake-openai.js';
import { checkLedgerAgainst, ledgerCount, promised, type ConsumerProcess, type Tally } from '../audit/helpers/pipeline.js';
import { assertVerifies, sleep, until } from './support.js';

/** The model the gateways route to the recording fake provider. */
export const MODEL = 'gpt-test';

export function kafkaGateway(work: string, brokers: string[], topic: string, upstream: FakeOpenAI, audit: Record<string, unknown>): Promise<TestGateway> {
  return startTestGateway((c) => {
    c['audit'] = {
      sink: 'kafka',
      kafka: { brokers, topic, client_id: `gw-${topic}`, ack_timeout_ms: 1000, linger_ms: 0, ...audit },
      commitment_key_file: join(work, 'master.key'),
      create_commitment_key: true,
    };
    (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
    (c['models'] as unknown[]).push({ name: MODEL, provider: 'upstream' });
  });
}

/** Bytes in a spool folder's files; with workers, each worker spools into a `worker-N` folder inside it. */
export function spoolBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, f) => {
    if (f.isDirectory() && /^worker-\d+$/.test(f.name)) return n + spoolBytes(join(dir, f.name));
    return f.isFile() && f.name.startsWith('spool-') ? n + statSync(join(dir, f.name)).size : n;
  }, 0);
}

export const refusals = (tally: Tally): number => [...tally.refused.values()].reduce((a, b) => a + b, 0);

/** Waits (bounded) for the ledger to hold what callers were promised, then checks it exactly and verifies it. */
export async function settle(
  ledger: string,
  tally: Tally,
  consumer: () => ConsumerProcess,
  options: { allowRefusedDecisions?: boolean; allowUnacknowledgedOutcomes?: boolean } = {},
): Promise<string> {
  await until(`${promised(tally)} records in the ledger`, () => ledgerCount(ledger) >= promised(tally), 90_000, () => `${ledgerCount(ledger)} so far; consumer: ${consumer().log().slice(-1200)}`);
  // A late duplicate would show up within a few checkpoint intervals (200 ms each).
  await sleep(1500);
  assert.deepEqual(checkLedgerAgainst(ledger, tally, options), []);
  return assertVerifies(ledger);
}
