// Reads a long text slice by slice, giving the event loop a turn between slices, and finds the same
// entities as one reading of the whole text: each slice is read in a window with context before it
// and overlap after it, keeps the values that start in it, and the overlaps of all of them are
// settled once at the end. A value that may run on past its window (a long key block) has its
// slice read again with a wider window. Injection evidence is read from the same windows
// (injection/sliced-reader.ts).

import type { ClassifierCore } from './classifier.js';
import type { InjectionEvidence } from './injection/detect-injection.js';
import { SlicedInjectionReader } from './injection/sliced-reader.js';
import { takeTurn, type Pace } from './pace.js';
import { byStart } from './overlaps.js';
import type { Found } from './recognizers/recognizer.js';
import { CONTEXT_CHARS, CUT_MARGIN, edgeNear, OVERLAP_CHARS, sliceCuts, WHOLE_CHARS } from './slices.js';
import { profileText, type TextProfile } from './text-profile.js';

/** Whether `text` is long enough to be read in slices. */
export function isLong(text: string): boolean {
  return text.length > WHOLE_CHARS;
}

/**
 * The values that start in [from, to) of `text`, ordered by start, read in a window wide enough to
 * hold them whole; and the window's profile.
 */
async function readSlice(core: ClassifierCore, text: string, from: number, to: number, pace: Pace): Promise<{ found: Found[]; profile: TextProfile; start: number }> {
  const start = edgeNear(text, from - CONTEXT_CHARS);
  for (let reach = OVERLAP_CHARS; ; reach *= 2) {
    const end = edgeNear(text, to + reach);
    const profile = profileText(text.slice(start, end));
    const found: Found[] = [];
    let cut = false;
    for (const f of core.find(profile)) {
      const at = f.start + start;
      if (at < from || at >= to) continue;
      if (end < text.length && f.end + start > end - CUT_MARGIN) {
        cut = true;
        break;
      }
      found.push({ ...f, start: at, end: f.end + start });
    }
    await takeTurn(pace, end - start);
    if (!cut) return { found: found.sort(byStart), profile, start };
  }
}

/**
 * Entities of `text` (overlaps settled, ordered by start) and the injection evidence it adds, read
 * in slices with turns of the event loop between them.
 */
export async function scanInSlices(core: ClassifierCore, text: string, evidence: InjectionEvidence, pace: Pace): Promise<Found[]> {
  const cuts = sliceCuts(text);
  const injection = new SlicedInjectionReader(text, evidence);
  const found: Found[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i] as number;
    const to = cuts[i + 1] as number;
    const slice = await readSlice(core, text, from, to, pace);
    for (const f of slice.found) found.push(f);
    injection.read(slice.profile, slice.start, from, to);
    await takeTurn(pace, slice.profile.text.length);
  }
  await injection.finish(pace);
  // Each slice's values are in order and the slices follow one another: all are in order.
  return core.settle(found, true);
}
