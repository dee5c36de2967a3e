// Helpers for end-to-end audit tests with a real broker: the audit consumer as a separate process,
// steady load through the gateway counting what callers were answered, and checks of the ledger.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { ANALYST_KEY, PRIVILEGED_KEY } from '../../support/gateway.js';
import { ledgerLogs, readLedgerRecords } from '../../support/ledger.js';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000, describe?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${describe ? `: ${describe()}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ConsumerProcess {
  log(): string;
  /** SIGKILL, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (bounded), then SIGKILL. */
  stop(): Promise<void>;
}

/** Writes a consumer config (short session timeout, so a killed member is replaced quickly) and starts `palisade-audit consume`. */
export function startConsumerProcess(work: string, brokers: string[], topic: string, ledgerDir: string, extra: Record<string, unknown> = {}): ConsumerProcess {
  const file = join(work, 'consumer.json');
  writeFileSync(
    file,
    JSON.stringify({
      kafka: { brokers, client_id: 'palisade-audit-test', topic, group_id: `ledger-${topic}`, session_timeout_ms: 6000, heartbeat_interval_ms: 1000 },
      ledger: { dir: ledgerDir, origin_prefix: 'test.palisade/audit', signing_key_file: join(work, 'ledger.key'), create_signing_key: true, checkpoint_interval_ms: 200 },
      log: { level: 'info' },
      ...extra,
    }),
  );
  const child: ChildProcess = spawn(process.execPath, [join(REPO, 'audit-consumer/bin/palisade-audit.js'), 'consume', '--config', file], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 600_000,
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    log: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
}

export interface Tally {
  /** Decision ids of answers the caller received (200): a decision and an outcome record each. */
  answered: string[];
  /** Decision ids of policy denials (403): a decision record each. */
  denied: string[];
  /** Other statuses, by status code, with no records promised. */
  refused: Map<number, number>;
  /** Decision ids of refused requests that had one (e.g. 503 when audit was unavailable). */
  refusedIds: string[];
}

export function newTally(): Tally {
  return { answered: [], denied: [], refused: new Map(), refusedIds: [] };
}

/** Records callers were promised: every answer has a decision and an outcome, every denial a decision. */
export function promised(t: Tally): number {
  return 2 * t.answered.length + t.denied.length;
}

/**
 * Request n as an application sends it; counts what it got. Every seventh is an SSN prompt from
 * the analyst, which the example policy denies; the others come from the privileged caller.
 */
export async function call(url: string, n: number, tally: Tally, model = 'echo'): Promise<number> {
  const deny = n % 7 === 3;
  const key = deny ? ANALYST_KEY : PRIVILEGED_KEY;
  const content = deny ? `Claim for SSN 536-22-${String(1000 + (n % 8999)).padStart(4, '0')}` : `Summarise memo ${n}.`;
  let res: Response;
  try {
    res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    tally.refused.set(0, (tally.refused.get(0) ?? 0) + 1);
    return 0;
  }
  const body = (await res.json().catch(() => ({}))) as { error?: { decision_id?: string } };
  if (res.status === 200) tally.answered.push(res.headers.get('x-palisade-decision-id') ?? '');
  else if (res.status === 403) tally.denied.push(body.error?.decision_id ?? '');
  else {
    tally.refused.set(res.status, (tally.refused.get(res.status) ?? 0) + 1);
    if (body.error?.decision_id) tally.refusedIds.push(body.error.decision_id);
  }
  return res.status;
}

/** Sends requests from `workers` concurrent callers until stopped. */
export function steadyLoad(url: string, tally: Tally, workers = 4, model = 'echo'): { stop(): Promise<void>; sent(): number } {
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      await call(url, n++, tally, model);
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  return {
    sent: () => n,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

export interface LedgerView {
  records: (AuditRecordV1 & { log: string; index: number })[];
}

/** Every record the ledger's published checkpoints cover, with its log and index. */
export function readLedger(ledgerDir: string): LedgerView {
  const records: LedgerView['records'] = [];
  for (const dir of ledgerLogs(ledgerDir)) {
    readLedgerRecords(dir).forEach((r, index) => records.push({ ...r, log: dir, index }));
  }
  return { records };
}

export function ledgerCount(ledgerDir: string): number {
  try {
    return readLedger(ledgerDir).records.length;
  } catch {
    return -1;
  }
}

/**
 * The ledger holds exactly what callers were promised: each record once, each answered decision's
 * outcome after its decision in the same log. A request refused while its decision record was
 * already in flight may have that decision record (`allowRefusedDecisions`). With
 * `allowUnacknowledgedOutcomes` it may also have its outcome, after its decision: a broker killed
 * outright can have written a record whose acknowledgement never came, and the gateway, which
 * withheld the answer, cannot tell.
 */
export function checkLedgerAgainst(ledgerDir: string, tally: Tally, options: { allowRefusedDecisions?: boolean; allowUnacknowledgedOutcomes?: boolean } = {}): string[] {
  const problems: string[] = [];
  const { records } = readLedger(ledgerDir);
  const byRecord = new Map<string, number>();
  for (const r of records) byRecord.set(r.record_id, (byRecord.get(r.record_id) ?? 0) + 1);
  for (const [id, n] of byRecord) if (n > 1) problems.push(`record ${id} appears ${n} times`);
  const refused = new Set(tally.refusedIds);
  const strays = records.filter((r) => refused.has(r.decision_id));
  for (const r of strays) {
    const allowed =
      (r.phase === 'decision' && options.allowRefusedDecisions === true) ||
      (r.phase === 'outcome' &&
        options.allowUnacknowledgedOutcomes === true &&
        strays.some((d) => d.phase === 'decision' && d.decision_id === r.decision_id && d.log === r.log && d.index < r.index));
    if (!allowed) problems.push(`refused request ${r.decision_id} has a ${r.phase} record`);
  }
  if (records.length - strays.length !== promised(tally)) {
    problems.push(`ledger holds ${records.length - strays.length} records for answered and denied requests, callers were promised ${promised(tally)}`);
  }
  const byDecision = new Map<string, LedgerView['records']>();
  for (const r of records) byDecision.set(r.decision_id, [...(byDecision.get(r.decision_id) ?? []), r]);
  for (const id of tally.answered) {
    const rs = byDecision.get(id) ?? [];
    const d = rs.find((r) => r.phase === 'decision');
    const o = rs.find((r) => r.phase === 'outcome');
    if (!d || !o) problems.push(`answered decision ${id} lacks its ${d ? 'outcome' : 'decision'} record`);
    else if (d.log !== o.log || d.index > o.index) problems.push(`decision ${id}: outcome is not after its decision in one log`);
  }
  for (const id of tally.denied) {
    const rs = byDecision.get(id) ?? [];
    if (rs.length !== 1 || rs[0]!.phase !== 'decision') problems.push(`denied decision ${id} should have exactly one decision record`);
  }
  return problems;
}
