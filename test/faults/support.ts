// What every fault test checks and prints: the ledger verifies, it holds each record once, no
// request reached the provider without an allowed decision on record, and one machine-readable
// line per fault that scripts/reliability-table.ts turns into the table in docs/reliability.md.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { runCli } from '../support/cli.js';

/** The prefix of the summary line a fault test prints; the table script looks for it. */
export const SUMMARY_PREFIX = 'reliability:';

export interface FaultSummary {
  fault: string;
  callerSees: string;
  ledgerHolds: string;
  verify: string;
  test: string;
}

/** One line: `reliability: <fault> | <caller sees> | <ledger holds> | <verify> | <test file>`; `|` inside a cell is escaped. */
export function reportFault(t: TestContext, s: FaultSummary): void {
  const cell = (v: string): string => v.replaceAll('|', '\\|').replaceAll('\n', ' ');
  t.diagnostic(`${SUMMARY_PREFIX} ${[s.fault, s.callerSees, s.ledgerHolds, s.verify, s.test].map(cell).join(' | ')}`);
}

/** Runs `palisade-audit verify` on a ledger folder as an auditor would, and fails the test on any finding. */
export async function assertVerifies(ledgerDir: string): Promise<string> {
  const verified = await runCli('palisade-audit', ['verify', ledgerDir], { timeoutMs: 60_000 });
  assert.equal(verified.code, 0, `verify: ${verified.stdout}\n${verified.stderr}`);
  return 'verify ok';
}

/** Record ids that appear more than once. */
export function duplicates(records: readonly AuditRecordV1[]): string[] {
  const seen = new Map<string, number>();
  for (const r of records) seen.set(r.record_id, (seen.get(r.record_id) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

/** Decision records that allowed the request: the only ones that may be followed by a forward. */
export function allowedDecisions(records: readonly AuditRecordV1[]): AuditRecordV1[] {
  return records.filter((r) => r.phase === 'decision' && r.policy?.allow === true && r.error === undefined);
}

/**
 * Nothing forwarded unaudited: the provider received no more requests than the ledger holds allowed
 * decisions for (`attemptsPerDecision` when the gateway may legitimately retry before the first byte).
 */
export function assertNothingUnaudited(forwarded: number, records: readonly AuditRecordV1[], attemptsPerDecision = 1): void {
  const allowed = allowedDecisions(records).length;
  assert.ok(forwarded <= allowed * attemptsPerDecision, `the provider received ${forwarded} requests, the ledger holds ${allowed} allowed decisions`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds, for at most `timeoutMs`; the error says what was awaited. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, describe?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `: ${describe()}` : ''}`);
    await sleep(100);
  }
}
