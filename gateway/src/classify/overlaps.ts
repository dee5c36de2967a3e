// Settles matches that overlap. Two readings of the same span keep the better-supported one.
// Otherwise a match that raises a label (a secret first, then personal data)
// is never hidden by one that does not, so a password inside a URL or an IP address inside a link
// still counts; otherwise the longer span wins, then the higher score, then the earlier recognizer.
// One sweep after a sort, so a text with very many matches stays cheap.

import type { Found } from './recognizers/recognizer.js';

/** Higher ranks win overlaps before length and score are compared. */
export type RankOf = (found: Found) => number;

/** The order matches are settled in: by start, the longer first, then the higher score. */
export function byStart(a: Found, b: Found): number {
  return a.start - b.start || b.end - a.end || b.score - a.score;
}

function beats(a: Found, b: Found, rankOf: RankOf): boolean {
  // The same characters read as two types: the better-supported reading wins (a checksum over a
  // bare pattern; with equal scores, the one a context word or a custom class asked for, as "IMEI"
  // before a number that would also pass as a card).
  if (a.start === b.start && a.end === b.end) {
    if (a.score !== b.score) return a.score > b.score;
    return a.preferred === true && b.preferred !== true;
  }
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra > rb;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  return la > lb || (la === lb && a.score > b.score);
}

/** Returns the kept matches ordered by start. `found` is sorted in place unless `sorted` says it is in `byStart` order already. */
export function resolveOverlaps(found: Found[], rankOf: RankOf = () => 0, sorted = false): Found[] {
  if (found.length < 2) return found;
  if (!sorted) found.sort(byStart);
  const kept: Found[] = [];
  for (const next of found) {
    const last = kept[kept.length - 1];
    if (last === undefined || next.start >= last.end) {
      kept.push(next);
    } else if (beats(next, last, rankOf)) {
      // `next` starts at or after `last`, which did not overlap anything kept before it, so
      // replacing it cannot create a new overlap on the left.
      kept[kept.length - 1] = next;
    }
  }
  return kept;
}
