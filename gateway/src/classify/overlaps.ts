// Settles matches that overlap: the longer span wins, then the higher score, then the earlier type
// in the recognizer order. One sweep after a sort, so a text with very many matches stays cheap.

import type { Found } from './recognizers/recognizer.js';

function byStart(a: Found, b: Found): number {
  return a.start - b.start || b.end - a.end || b.score - a.score;
}

function beats(a: Found, b: Found): boolean {
  const la = a.end - a.start;
  const lb = b.end - b.start;
  return la > lb || (la === lb && a.score > b.score);
}

/** Returns the kept matches ordered by start. `found` is sorted in place. */
export function resolveOverlaps(found: Found[]): Found[] {
  if (found.length < 2) return found;
  found.sort(byStart);
  const kept: Found[] = [];
  for (const next of found) {
    const last = kept[kept.length - 1];
    if (last === undefined || next.start >= last.end) {
      kept.push(next);
    } else if (beats(next, last)) {
      // `next` starts at or after `last`, which did not overlap anything kept before it, so
      // replacing it cannot create a new overlap on the left. A right-hand overlap of `next` with
      // earlier kept entries is impossible for the same reason.
      kept[kept.length - 1] = next;
    }
  }
  return kept;
}
