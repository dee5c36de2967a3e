// Cheap tests that tell which recognizer families can possibly match a text, so the scans run only
// where they could find something. Built from single regular-expression and indexOf probes, which
// V8 runs several times faster than a character loop in JavaScript. The lower-cased text and the
// context words are worked out once, on first use, and shared by every recognizer.

import { hasRun, TOKEN_TABLE, WORD_TABLE } from './char-classes.js';
import { findCues, type Cue, type CueGroup } from './context-cues.js';
import { newWork, type ClassifyWork } from './work.js';

const DIGIT = /\d/;
const DIGIT_PAIR = /\d\d/g;
const DIGIT_RUN = /\d{4}|\d{3}[ -]\d{3}/;
const NON_ASCII = /[^\x00-\x7F]/;
const UPPER_DIGIT = /[A-Z]\d|\d[A-Z]/;
const UPPER_ASCII = /[A-Z]+/g;

export class TextProfile {
  readonly digit: boolean;
  /** Two digits in a row occur somewhere (every numeric entity has them). */
  readonly digitPair: boolean;
  /** Four digits in a row, or two groups of three: every value read after a context word has them. */
  readonly digitRun: boolean;
  readonly at: boolean;
  readonly colon: boolean;
  readonly dot: boolean;
  /** "-----", the fence of PEM blocks. */
  readonly fence: boolean;
  /** Some code unit is above U+007F (NFKC and hidden-character checks are needed). */
  readonly nonAscii: boolean;
  /** A capital letter next to a digit: codes such as VINs, DEA, MBI and ICD-10 all have one. */
  readonly upperDigit: boolean;
  private lowerText: string | undefined;
  private longWordRun: boolean | undefined;
  private longTokenRun: boolean | undefined;
  private cueList: Cue[] | undefined;
  private cueEnds: Map<CueGroup, number[]> | undefined;

  /** `work` collects what the scans of this text cost; a fresh one unless the caller sums several texts. */
  constructor(
    readonly text: string,
    readonly work: ClassifyWork = newWork(),
  ) {
    work.chars += text.length;
    // One pass finds the first digit; a pair can only start there or later.
    const firstDigit = text.search(DIGIT);
    this.digit = firstDigit >= 0;
    DIGIT_PAIR.lastIndex = firstDigit;
    this.digitPair = this.digit && DIGIT_PAIR.test(text);
    this.digitRun = this.digitPair && DIGIT_RUN.test(text);
    this.at = text.indexOf('@') >= 0;
    this.colon = text.indexOf(':') >= 0;
    this.dot = text.indexOf('.') >= 0;
    this.fence = text.indexOf('-----') >= 0;
    this.nonAscii = NON_ASCII.test(text);
    this.upperDigit = this.digit && UPPER_DIGIT.test(text);
  }

  /** The text in lower case with the same offsets (only ASCII letters change when a full
   * lower-casing would change the length, as "İ" does). */
  get lower(): string {
    if (this.lowerText === undefined) {
      const full = this.text.toLowerCase();
      this.lowerText = full.length === this.text.length ? full : this.text.replace(UPPER_ASCII, (s) => s.toLowerCase());
    }
    return this.lowerText;
  }

  /** Seventeen or more `\w` characters in a row: VINs (17) and Bitcoin addresses (26-35) are such runs. */
  get longWord(): boolean {
    return (this.longWordRun ??= hasRun(this.text, 17, WORD_TABLE));
  }

  /** Fifteen or more `[\w-]` characters in a row, which every provider API key contains. */
  get longToken(): boolean {
    return (this.longTokenRun ??= hasRun(this.text, 15, TOKEN_TABLE));
  }

  get cues(): readonly Cue[] {
    return (this.cueList ??= findCues(this.lower));
  }

  /** True when a context word of `group` ends at most `reach` characters before `start`. A binary
   * search over that group's words, so texts with many words and many matches stay linear. */
  cueBefore(group: CueGroup, start: number, reach: number): boolean {
    if (this.cueEnds === undefined) {
      this.cueEnds = new Map();
      for (const c of this.cues) {
        const list = this.cueEnds.get(c.group) ?? [];
        list.push(c.end);
        this.cueEnds.set(c.group, list);
      }
    }
    const ends = this.cueEnds.get(group);
    if (ends === undefined) return false;
    // The last end at or before `start`.
    let lo = 0;
    let hi = ends.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((ends[mid] ?? 0) <= start) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best >= 0 && start - (ends[best] ?? 0) <= reach;
  }
}

export function profileText(text: string, work?: ClassifyWork): TextProfile {
  return new TextProfile(text, work);
}
