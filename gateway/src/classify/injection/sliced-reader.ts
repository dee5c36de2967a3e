// Injection evidence of a long text read slice by slice, the same as one reading of the whole
// text gives: the phrase rules, cues and break-outs of every window first (windows overlap, so a
// phrase across a boundary is whole in one of them; evidence is keyed, so it counts once), then,
// with all of that in, what only shows once obfuscation is undone, then encoded payloads within
// the whole text's budget, and last the model over the whole text's windows, a few at a time.
// Hidden characters are counted on the slices themselves, which do not overlap, so each counts once.

import { takeTurn, type Pace } from '../pace.js';
import { SLICE_CHARS } from '../slices.js';
import { profileText, type TextProfile } from '../text-profile.js';
import { newWork } from '../work.js';
import {
  addEncoded,
  addHiddenUnicode,
  addModelEvidence,
  addObfuscated,
  addressesTheModel,
  hintsOf,
  modelText,
  newDecodeBudget,
  readPlain,
  type InjectionEvidence,
} from './detect-injection.js';
import { DocumentKind } from './document-kind.js';
import { findHiddenUnicode } from './hidden-unicode.js';
import { injectionModel } from './injection-model.js';

/** The document kind shows in a text's first pages (DocumentKind reads no further). */
const HEAD_CHARS = 8192;
/** Model windows scored between turns: about a slice's worth of text. */
const WINDOWS_PER_TURN = 16;

/** What the later steps keep of one window: where it lies, its lower case and its derived forms, when they differ. */
interface Window {
  start: number;
  end: number;
  lower: string;
  normalised: string | undefined;
  undone: string | null;
  triggers: ReadonlySet<string>;
}

export class SlicedInjectionReader {
  private readonly kind: DocumentKind;
  private readonly windows: Window[] = [];
  private readonly modelParts: string[] = [];
  private readonly triggers = new Set<string>();
  private readonly hidden = { tags: 0, zeroWidth: 0, bidi: 0, decodedTags: '' };
  private readonly tagParts: string[] = [];
  private asks = false;
  private addresses = false;

  constructor(
    private readonly text: string,
    private readonly evidence: InjectionEvidence,
  ) {
    const head = profileText(text.slice(0, HEAD_CHARS));
    this.kind = new DocumentKind(head.text, head.lower);
  }

  /** Reads the slice [from, to) of the text, in `window`, a profile of the text from `start`. */
  read(window: TextProfile, start: number, from: number, to: number): void {
    if (window.nonAscii) {
      const hidden = findHiddenUnicode(this.text.slice(from, to));
      this.hidden.tags += hidden.tags;
      this.hidden.zeroWidth += hidden.zeroWidth;
      this.hidden.bidi += hidden.bidi;
      if (hidden.decodedTags.length > 0) this.tagParts.push(hidden.decodedTags);
    }
    const reading = readPlain(window, this.evidence, this.kind, start === 0);
    for (const t of reading.triggers) this.triggers.add(t);
    this.asks ||= reading.asks;
    this.windows.push({
      start,
      end: start + window.text.length,
      lower: reading.lower,
      normalised: reading.normalised === reading.lower ? undefined : reading.normalised,
      undone: reading.undone,
      triggers: reading.triggers,
    });
    // In ASCII text with nothing to undo, the model reads the lower case, cut to the slice.
    const plain = reading.normalised === reading.lower && reading.undone === null;
    const read = plain ? reading.lower.slice(from - start, to - start) : modelText(profileText(this.text.slice(from, to)));
    this.addresses ||= addressesTheModel(read);
    this.modelParts.push(read);
  }

  /** The steps that need every slice read first; turns of the event loop between pieces of work. */
  async finish(pace: Pace): Promise<void> {
    const evidence = this.evidence;
    addHiddenUnicode({ ...this.hidden, decodedTags: this.tagParts.join('') }, evidence);
    for (const w of this.windows) {
      if (w.normalised === undefined && w.undone === null) continue;
      addObfuscated({ lower: '', normalised: w.normalised ?? '', undone: w.undone }, evidence);
      await takeTurn(pace, w.end - w.start);
    }
    const budget = newDecodeBudget();
    const work = newWork();
    const wanted = hintsOf(this.triggers);
    const hinted = { rot13: false, reversed: false };
    for (const w of this.windows) {
      // Rot13 and reversed text are read once per text, around where their words first show.
      const own = hintsOf(w.triggers);
      const hints = { rot13: wanted.rot13 && own.rot13 && !hinted.rot13, reversed: wanted.reversed && own.reversed && !hinted.reversed };
      hinted.rot13 ||= hints.rot13;
      hinted.reversed ||= hints.reversed;
      addEncoded(this.text.slice(w.start, w.end), w.lower, this.triggers, hints, budget, work, evidence);
      await takeTurn(pace, w.end - w.start);
    }
    const read = this.modelParts.join('');
    let probability = 0;
    for (let k = 0, count = injectionModel.windowCount(read.length); k < count; k += WINDOWS_PER_TURN) {
      probability = Math.max(probability, injectionModel.scoreWindows(read, k, WINDOWS_PER_TURN));
      await takeTurn(pace, SLICE_CHARS);
    }
    addModelEvidence(probability, injectionModel.threshold, () => this.addresses, this.asks, this.kind, evidence);
  }
}
