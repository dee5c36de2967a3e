// Per-type precision and recall of predicted spans against gold spans: a prediction counts when
// its type is the gold type and the spans overlap by at least half of their union (IoU >= 0.5).

export interface ScoredSpan {
  type: string;
  start: number;
  end: number;
}

export interface TypeScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

const MIN_IOU = 0.5;

function iou(a: ScoredSpan, b: ScoredSpan): number {
  const inter = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  const union = Math.max(a.end, b.end) - Math.min(a.start, b.start);
  return union === 0 ? 0 : inter / union;
}

/** Adds one document's matches to `totals` (types missing from `types` are ignored). */
export function scoreDocument(gold: readonly ScoredSpan[], predicted: readonly ScoredSpan[], types: ReadonlySet<string>, totals: Map<string, { tp: number; fp: number; fn: number }>): void {
  const used = new Set<number>();
  const bump = (type: string, key: 'tp' | 'fp' | 'fn'): void => {
    const t = totals.get(type) ?? { tp: 0, fp: 0, fn: 0 };
    t[key]++;
    totals.set(type, t);
  };
  for (const p of predicted) {
    if (!types.has(p.type)) continue;
    const match = gold.findIndex((g, i) => !used.has(i) && g.type === p.type && iou(g, p) >= MIN_IOU);
    if (match >= 0) {
      used.add(match);
      bump(p.type, 'tp');
    } else {
      bump(p.type, 'fp');
    }
  }
  gold.forEach((g, i) => {
    if (types.has(g.type) && !used.has(i)) bump(g.type, 'fn');
  });
}

export function finishScores(totals: Map<string, { tp: number; fp: number; fn: number }>): Map<string, TypeScore> {
  const out = new Map<string, TypeScore>();
  for (const [type, { tp, fp, fn }] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    out.set(type, { tp, fp, fn, precision, recall, f1 });
  }
  return out;
}
