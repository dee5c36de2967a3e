// Turns the peers benchmark's rounds into the markdown tables BENCHMARKS.md carries: each figure is
// the median over rounds, and "added" figures are taken against the direct call of the same round,
// so a round disturbed by other work on the machine moves both sides.

/** What one system did in one round. */
export interface Round {
  /** Non-streamed, one caller at a time, ms. */
  p50: number;
  p99: number;
  /** Median time to first streamed content, ms. */
  firstContent: number;
  /** 2xx answers per second with many connections. */
  okPerS: number;
  failed: number;
  /** CPU time per answer during the many-connection run, µs. */
  cpuUs: number;
  /** CPU time over wall time during that run: how many cores the system kept busy. */
  cores: number;
  /** Resident memory after the round, MiB. */
  rssMiB: number;
}

export interface Summary {
  label: string;
  addedP50: number;
  addedP99: number;
  addedFirstContent: number;
  okPerS: number;
  failed: number;
  cpuUs: number;
  cores: number;
  rssMiB: number;
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarise(label: string, rounds: Round[], direct: Round[]): Summary {
  const added = (f: (r: Round) => number): number => median(rounds.map((r, i) => f(r) - f(direct[i] as Round)));
  return {
    label,
    addedP50: added((r) => r.p50),
    addedP99: added((r) => r.p99),
    addedFirstContent: added((r) => r.firstContent),
    okPerS: median(rounds.map((r) => r.okPerS)),
    failed: rounds.reduce((n, r) => n + r.failed, 0),
    cpuUs: median(rounds.map((r) => r.cpuUs)),
    cores: median(rounds.map((r) => r.cores)),
    rssMiB: median(rounds.map((r) => r.rssMiB)),
  };
}

const fixed = (n: number, digits: number): string => (Number.isNaN(n) ? '–' : n.toFixed(digits));
const whole = (n: number): string => (Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US'));

export function systemsTable(direct: Round[], rows: Summary[], connections: number): string[] {
  const base = {
    p50: median(direct.map((r) => r.p50)),
    p99: median(direct.map((r) => r.p99)),
    firstContent: median(direct.map((r) => r.firstContent)),
    okPerS: median(direct.map((r) => r.okPerS)),
  };
  const lines = [
    `| system | added p50 (ms) | added p99 (ms) | 2xx req/s, ${connections} connections | CPU per request (µs) | cores busy | added first content (ms) | RSS after (MiB) |`,
    '|---|---|---|---|---|---|---|---|',
    `| direct to the upstream (its own times) | (${fixed(base.p50, 2)}) | (${fixed(base.p99, 2)}) | ${whole(base.okPerS)} | – | – | (${fixed(base.firstContent, 2)}) | – |`,
  ];
  for (const s of rows) {
    const failed = s.failed > 0 ? ` (${s.failed.toLocaleString('en-US')} failed)` : '';
    lines.push(`| ${s.label} | ${fixed(s.addedP50, 2)} | ${fixed(s.addedP99, 2)} | ${whole(s.okPerS)}${failed} | ${whole(s.cpuUs)} | ${fixed(s.cores, 2)} | ${fixed(s.addedFirstContent, 2)} | ${whole(s.rssMiB)} |`);
  }
  return lines;
}

/** Palisade's figures over each peer's: below 1 is better for every column but req/s. */
export function ratioTable(ours: Summary[], peers: Summary[]): string[] {
  const r = (a: number, b: number): string => (Number.isNaN(a / b) || !Number.isFinite(a / b) ? '–' : `${(a / b).toFixed(2)}x`);
  const lines = [
    '| ratio | added p50 | added p99 | 2xx req/s (higher is better) | CPU per request | added first content | RSS |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const peer of peers) {
    for (const o of ours) {
      lines.push(`| ${o.label} / ${peer.label} | ${r(o.addedP50, peer.addedP50)} | ${r(o.addedP99, peer.addedP99)} | ${r(o.okPerS, peer.okPerS)} | ${r(o.cpuUs, peer.cpuUs)} | ${r(o.addedFirstContent, peer.addedFirstContent)} | ${r(o.rssMiB, peer.rssMiB)} |`);
    }
  }
  return lines;
}
