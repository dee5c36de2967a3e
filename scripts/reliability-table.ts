// Builds the faults table of docs/reliability.md from the TAP output of a run of test/faults/:
// each fault test prints one `# reliability: fault | caller sees | ledger holds | verify | test`
// line once its assertions have passed, and each known gap is a test marked TODO with its reason.
//
//   node --conditions=development --import tsx scripts/reliability-table.ts [--write FILE] RESULTS.tap
//
// Without --write it prints the section; with it, it replaces the text between the markers
// <!-- faults-table:start --> and <!-- faults-table:end --> in FILE. A run with failed tests is
// refused: a table must only say what passed.
import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- faults-table:start -->';
const END = '<!-- faults-table:end -->';

interface Row {
  fault: string;
  callerSees: string;
  ledgerHolds: string;
  verify: string;
  test: string;
}

/** Splits a summary on ` | ` separators that are not escaped as `\|`. */
function cells(summary: string): string[] {
  return summary.split(/(?<!\\) \| /).map((c) => c.trim());
}

export function parseTap(tap: string): { rows: Row[]; gaps: { test: string; reason: string }[]; failures: string[] } {
  const rows = new Map<string, Row>();
  const gaps: { test: string; reason: string }[] = [];
  const failures: string[] = [];
  for (const line of tap.split('\n')) {
    const summary = /^\s*# reliability: (.*)$/.exec(line);
    if (summary) {
      const [fault, callerSees, ledgerHolds, verify, test] = cells(summary[1]!);
      if (fault && callerSees && ledgerHolds && verify && test) rows.set(fault, { fault, callerSees, ledgerHolds, verify, test });
      continue;
    }
    const notOk = /^\s*not ok \d+ - (.*?)(?: # (TODO|SKIP)\b ?(.*))?$/.exec(line);
    if (!notOk) continue;
    if (notOk[2] === 'TODO') gaps.push({ test: notOk[1]!, reason: notOk[3] ?? '' });
    else if (notOk[2] === undefined) failures.push(notOk[1]!);
  }
  return { rows: [...rows.values()], gaps, failures };
}

export function renderSection(rows: readonly Row[], gaps: readonly { test: string; reason: string }[]): string {
  const out = [
    START,
    '| fault | what the caller sees | what the ledger holds | verify | test |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.fault} | ${r.callerSees} | ${r.ledgerHolds} | ${r.verify} | \`${r.test.replace(/^test\/faults\//, '')}\` |`),
  ];
  if (gaps.length > 0) {
    out.push('', 'Known gaps (tests marked TODO until the product is fixed):', '');
    for (const g of gaps) out.push(`- ${g.test}: ${g.reason}`);
  }
  out.push(END);
  return out.join('\n');
}

function main(argv: string[]): number {
  const args = [...argv];
  const writeAt = args.indexOf('--write');
  const target = writeAt >= 0 ? args.splice(writeAt, 2)[1] : undefined;
  const input = args[0];
  if (!input || (writeAt >= 0 && !target)) {
    process.stderr.write('usage: reliability-table.ts [--write FILE] RESULTS.tap\n');
    return 2;
  }
  const { rows, gaps, failures } = parseTap(readFileSync(input, 'utf8'));
  if (failures.length > 0) {
    process.stderr.write(`reliability-table: the run has failed tests, so no table is written:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    return 1;
  }
  if (rows.length === 0) {
    process.stderr.write(`reliability-table: no "# reliability:" lines in ${input}; was it a TAP run of test/faults/?\n`);
    return 1;
  }
  const section = renderSection(rows, gaps);
  if (!target) {
    process.stdout.write(`${section}\n`);
    return 0;
  }
  const doc = readFileSync(target, 'utf8');
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) {
    process.stderr.write(`reliability-table: ${target} has no ${START} … ${END} section to replace\n`);
    return 1;
  }
  writeFileSync(target, doc.slice(0, from) + section + doc.slice(to + END.length));
  process.stdout.write(`reliability-table: ${rows.length} faults and ${gaps.length} known gaps written to ${target}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
