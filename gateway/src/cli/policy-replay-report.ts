// Tallies what a candidate bundle would have decided differently from the recorded decisions,
// and prints it for people (text) or tools (--json).
import type { PolicyReason } from '../policy/index.js';

export interface RecordedDecision {
  decisionId: string;
  allow: boolean;
  reasons: readonly PolicyReason[];
  error?: string;
}

export interface ReplayedDecision {
  allow: boolean;
  reasons: readonly PolicyReason[];
  error?: string;
}

export interface ReplayExample {
  decision_id: string;
  change: string;
  recorded: string[];
  replayed: string[];
}

export interface ReplayReport {
  bundle: { name: string; revision: string; digest: string; key_id?: string };
  logs: number;
  records: number;
  replayed: number;
  skipped: { not_a_decision: number; no_input: number; unknown_entrypoint: number; before_since: number };
  unchanged: number;
  changed: number;
  changed_percent: number;
  /** e.g. {"allow -> deny": 3}. */
  by_change: Record<string, number>;
  /** Reason codes the candidate adds (+code) or no longer gives (-code), by count. */
  by_reason: Record<string, number>;
  examples: ReplayExample[];
  max_changed_percent?: number;
  passed: boolean;
}

/** Reason codes and, for errors, the error code: what a decision is compared on. */
function outcomeCodes(d: { reasons: readonly PolicyReason[]; error?: string }): string[] {
  const codes = d.reasons.map((r) => r.code);
  if (d.error) codes.push(d.error);
  return codes.sort();
}

function verdict(d: { allow: boolean; error?: string }): string {
  if (d.error) return 'error';
  return d.allow ? 'allow' : 'deny';
}

export class ReplayTally {
  readonly byChange = new Map<string, number>();
  readonly byReason = new Map<string, number>();
  readonly examples: ReplayExample[] = [];
  replayed = 0;
  changed = 0;

  constructor(private readonly examplesPerChange: number) {}

  add(recorded: RecordedDecision, replayed: ReplayedDecision): void {
    this.replayed++;
    const before = outcomeCodes(recorded);
    const after = outcomeCodes(replayed);
    if (recorded.allow === replayed.allow && before.join('\0') === after.join('\0')) return;
    this.changed++;
    const from = verdict(recorded);
    const to = verdict(replayed);
    const change = from === to ? `${from} -> ${to} (reasons changed)` : `${from} -> ${to}`;
    this.byChange.set(change, (this.byChange.get(change) ?? 0) + 1);
    for (const code of after) if (!before.includes(code)) this.byReason.set(`+${code}`, (this.byReason.get(`+${code}`) ?? 0) + 1);
    for (const code of before) if (!after.includes(code)) this.byReason.set(`-${code}`, (this.byReason.get(`-${code}`) ?? 0) + 1);
    if (this.examples.filter((e) => e.change === change).length < this.examplesPerChange) {
      this.examples.push({ decision_id: recorded.decisionId, change, recorded: before, replayed: after });
    }
  }
}

function sortedEntries(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

export function buildReport(
  tally: ReplayTally,
  base: Pick<ReplayReport, 'bundle' | 'logs' | 'records' | 'skipped'>,
  maxChangedPercent: number | undefined,
): ReplayReport {
  const changedPercent = tally.replayed === 0 ? 0 : (tally.changed / tally.replayed) * 100;
  const report: ReplayReport = {
    ...base,
    replayed: tally.replayed,
    unchanged: tally.replayed - tally.changed,
    changed: tally.changed,
    changed_percent: Math.round(changedPercent * 1000) / 1000,
    by_change: sortedEntries(tally.byChange),
    by_reason: sortedEntries(tally.byReason),
    examples: tally.examples,
    passed: maxChangedPercent === undefined || changedPercent <= maxChangedPercent,
  };
  if (maxChangedPercent !== undefined) report.max_changed_percent = maxChangedPercent;
  return report;
}

function pad(rows: [string, string][]): string[] {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
}

export function formatReport(r: ReplayReport): string {
  const pct = (n: number): string => (r.replayed === 0 ? '0.0%' : `${((n / r.replayed) * 100).toFixed(1)}%`);
  const lines = [
    `Replayed ${r.replayed} of ${r.records} records from ${r.logs} log${r.logs === 1 ? '' : 's'} against bundle ${r.bundle.name}`,
    `  revision ${r.bundle.revision || '(none)'}, digest ${r.bundle.digest}${r.bundle.key_id ? `, signed by ${r.bundle.key_id}` : ', signature not checked'}`,
    `Skipped: ${r.skipped.not_a_decision} without a policy decision, ${r.skipped.no_input} without a recorded input, ${r.skipped.unknown_entrypoint} for other entrypoints, ${r.skipped.before_since} before --since`,
    `Unchanged: ${r.unchanged} (${pct(r.unchanged)})`,
    `Changed:   ${r.changed} (${pct(r.changed)})`,
  ];
  if (r.changed > 0) {
    lines.push('', 'Changes by decision:', ...pad(Object.entries(r.by_change).map(([k, v]) => [k, String(v)])));
    lines.push('', 'Changes by reason code (+ newly given, - no longer given):', ...pad(Object.entries(r.by_reason).map(([k, v]) => [k, String(v)])));
    lines.push('', 'Examples:', ...pad(r.examples.map((e) => [e.decision_id, `${e.change}: [${e.recorded.join(', ')}] -> [${e.replayed.join(', ')}]`])));
  }
  if (r.max_changed_percent !== undefined) {
    lines.push('', `${r.passed ? 'PASS' : 'FAIL'}: ${r.changed_percent}% changed; the limit is ${r.max_changed_percent}%`);
  }
  return `${lines.join('\n')}\n`;
}
