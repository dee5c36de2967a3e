// Intent cues in any of the languages of intent-lexicon.ts: finds the concept words of a prompt in
// one pass, then fires an intent when the concepts it needs stand close together ("ignore" near
// "instructions"; "show" near "prompt" near "your"/"hidden"; "you are now" near "without limits";
// a line that claims to be a system message followed by orders). Words of different languages
// combine, so mixed-language attacks are read too.
//
// Cost: one table lookup per character, a map lookup per word start (or per character of Chinese,
// Japanese and Korean text that can begin an entry), and work per concept hit, which is bounded.

import { Concept, LEXICON } from './intent-lexicon.js';

/** A fired intent: the evidence key, the signal it raises and its weight. */
export interface IntentCue {
  key: string;
  signal: string;
  weight: number;
}

interface Entry {
  text: string;
  concepts: number;
  wholeWord: boolean;
}

interface Hit {
  pos: number;
  end: number;
  concepts: number;
}

/** Diacritics of Latin, Greek and Cyrillic letters, Arabic vowel marks and the Arabic elongation. */
const COMBINING = /[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g;
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/;
/** Letters without a decomposition that readers still take for another ("ł" for "l"), and the
 * Arabic forms of letters Persian writes differently. */
const SPECIAL: Readonly<Record<string, string>> = { 'ł': 'l', 'ß': 'ss', 'ı': 'i', 'ø': 'o', 'đ': 'd', 'ي': 'ی', 'ى': 'ی', 'ك': 'ک' };
/** Whitespace runs read as one space, except that line breaks stay: claims of a system message are read per line. */
const SPACES = /[^\S\n]*\n\s*|[^\S\n]+/g;
const oneSpace = (run: string): string => (run.includes('\n') ? '\n' : ' ');
const NON_ASCII = /[^\x00-\x7f]/;
/** Whitespace other than single spaces and bare line breaks: most prompts have none, and need no pass. */
const IRREGULAR_SPACE = /[^\S \n]| [ \n]|\n\s/;

/**
 * What each code unit folds to, where it changes: a letter with diacritics to its base letter, a
 * combining mark or an invisible character to nothing. Worked out once for the blocks that have
 * such characters, so folding a prompt is one pass with a table read per character.
 */
const FOLD = new Map<number, string>();
for (const [from, to] of [[0x00a0, 0x06ff], [0x1e00, 0x1fff], [0x200b, 0x2064], [0xfeff, 0xfeff]] as const) {
  for (let c = from; c <= to; c++) {
    const ch = String.fromCharCode(c);
    const folded = INVISIBLE.test(ch) ? '' : (SPECIAL[ch] ?? ch.normalize('NFD').replace(COMBINING, '').normalize('NFC'));
    if (folded !== ch) FOLD.set(c, folded);
  }
}
const FOLDS = new Uint8Array(0x10000);
for (const c of FOLD.keys()) FOLDS[c] = 1;

function foldCharacters(text: string): string {
  let parts: string[] | null = null;
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (FOLDS[c] !== 1) continue;
    parts ??= [];
    parts.push(text.slice(copied, i), FOLD.get(c) ?? '');
    copied = i + 1;
  }
  if (parts === null) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** The form both the lexicon and the prompt are read in: lower case, whitespace runs as one space,
 * line breaks kept, Latin and Arabic marks dropped, Persian and Arabic variants of the same letter
 * joined. `lower` is in NFKC and lower case already. */
export function foldForCues(lower: string, ascii: boolean): string {
  const folded = ascii ? lower : foldCharacters(lower);
  return IRREGULAR_SPACE.test(folded) ? folded.replace(SPACES, oneSpace) : folded;
}


/** Scripts without spaces between words (kana, CJK ideographs, Hangul): entries match anywhere. */
function unspaced(c: number): boolean {
  return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef);
}

/** The first two or three code units of a word as one small integer (hash-table keys stay small
 * integers; entries are compared in full anyway). Three where the entry has them: keyed on two,
 * common starts ("pr", "re") would gather dozens of entries from the seventeen languages. */
function startKey(a: number, b: number, c: number): number {
  return ((a & 0x3ff) << 20) | ((b & 0x3ff) << 10) | (c & 0x3ff);
}
const SHORT = 0x3ff;

/** Marks the keys some entry has, so most word starts cost an array read, not a map lookup. */
const KEY_SEEN = new Uint8Array(1 << 16);
const keySlot = (key: number): number => (key ^ (key >>> 13) ^ (key >>> 23)) & 0xffff;

const BY_START = new Map<number, Entry[]>();
/** What each UTF-16 code unit is to the scan: part of no word, a letter or digit of a script that
 * spaces its words (surrogates included), or a character of one that does not. */
const OTHER = 0;
const LETTER_OR_DIGIT = 1;
const UNSPACED = 2;
const KIND = new Uint8Array(0x10000);
const LETTER = /[\p{L}\p{M}\p{N}]/u;
for (let c = 0; c < 0x10000; c++) {
  if (unspaced(c)) KIND[c] = UNSPACED;
  else if ((c >= 0xd800 && c <= 0xdfff) || LETTER.test(String.fromCharCode(c))) KIND[c] = LETTER_OR_DIGIT;
}

const BY_CHAR = new Map<number, Entry[]>();
const STARTS_ANYWHERE = new Uint8Array(0x10000);

function addEntry(raw: string, concepts: number): void {
  const wholeWord = raw.endsWith('$');
  const word = raw.slice(0, wholeWord ? -1 : undefined).toLowerCase().normalize('NFKC');
  const text = foldForCues(word, !NON_ASCII.test(word));
  if (text.length === 0) return;
  const first = text.charCodeAt(0);
  const anywhere = unspaced(first);
  // Entries that start a word need two letters to key on; none is shorter.
  if (!anywhere && text.length < 2) return;
  const key = anywhere ? first : startKey(first, text.charCodeAt(1), text.length > 2 ? text.charCodeAt(2) : SHORT);
  const map = anywhere ? BY_CHAR : BY_START;
  const list = map.get(key) ?? [];
  const same = list.find((e) => e.text === text && e.wholeWord === wholeWord);
  if (same !== undefined) same.concepts |= concepts;
  else list.push({ text, concepts, wholeWord });
  map.set(key, list);
  if (anywhere) STARTS_ANYWHERE[first] = 1;
  else KEY_SEEN[keySlot(key)] = 1;
}

for (const [lists, concepts] of LEXICON) {
  for (const words of Object.values(lists)) for (const word of words) addEntry(word, concepts);
}

/** Hits beyond this are not collected: enough for any attack, bounded for hostile input. */
const MAX_HITS = 4000;

function findHits(text: string): Hit[] {
  const hits: Hit[] = [];
  const n = text.length;
  let previous = OTHER;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const kind = KIND[c] ?? OTHER;
    let list: Entry[] | undefined;
    if (kind === UNSPACED) {
      if (STARTS_ANYWHERE[c] === 1) list = BY_CHAR.get(c);
    } else if (kind === LETTER_OR_DIGIT && previous !== LETTER_OR_DIGIT && i + 1 < n) {
      const b = text.charCodeAt(i + 1);
      const long = i + 2 < n ? startKey(c, b, text.charCodeAt(i + 2)) : -1;
      const short = startKey(c, b, SHORT);
      if (long >= 0 && KEY_SEEN[keySlot(long)] === 1) list = BY_START.get(long);
      if (KEY_SEEN[keySlot(short)] === 1) {
        const two = BY_START.get(short);
        if (two !== undefined) list = list === undefined ? two : [...list, ...two];
      }
    }
    previous = kind;
    if (list === undefined) continue;
    let concepts = 0;
    let end = i;
    for (let e = 0; e < list.length; e++) {
      const entry = list[e];
      if (entry === undefined || !text.startsWith(entry.text, i)) continue;
      const after = i + entry.text.length;
      if (entry.wholeWord && after < n && KIND[text.charCodeAt(after)] !== OTHER) continue;
      concepts |= entry.concepts;
      end = Math.max(end, after);
    }
    if (concepts !== 0) {
      hits.push({ pos: i, end, concepts });
      if (hits.length >= MAX_HITS) break;
    }
  }
  return hits;
}

/** Whether the verb at `hits[index]` is negated or reported ("do not ignore", "j'ai oublié"). */
function negated(hits: readonly Hit[], index: number, seen: number): boolean {
  const h = hits[index];
  if (h === undefined || (seen & Concept.Negation) === 0) return false;
  return anyWithin(hits, index, Concept.Negation, h.pos - NEGATION_BEFORE, h.end + NEGATION_AFTER) !== undefined;
}

/** Whether a hit with any of `mask` starts within [from, to]; `hits` are sorted by position. */
function anyWithin(hits: readonly Hit[], index: number, mask: number, from: number, to: number): Hit | undefined {
  for (let j = index; j >= 0; j--) {
    const h = hits[j];
    if (h === undefined || h.pos < from) break;
    if ((h.concepts & mask) !== 0 && h.pos <= to) return h;
  }
  for (let j = index + 1; j < hits.length; j++) {
    const h = hits[j];
    if (h === undefined || h.pos > to) break;
    if ((h.concepts & mask) !== 0 && h.pos >= from) return h;
  }
  return undefined;
}

function indexNear(hits: readonly Hit[], pos: number): number {
  let lo = 0;
  let hi = hits.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((hits[mid]?.pos ?? 0) <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Characters allowed before a line's claim to be a system message or a boundary: "[", "###", "---". */
const LINE_LEAD = new Uint8Array(128);
for (const ch of ' \t-=#*[](){}<>|:"\'._~>') LINE_LEAD[ch.charCodeAt(0)] = 1;
const MAX_LINE_LEAD = 16;

/** Whether only a few lead characters stand between the last line break (or the start) and `pos`.
 * Reads at most MAX_LINE_LEAD characters back, so hits on a long line cost no more than short ones. */
function startsLine(text: string, pos: number): boolean {
  for (let j = pos - 1; j >= 0; j--) {
    const c = text.charCodeAt(j);
    if (c === 10) return true;
    if (pos - j > MAX_LINE_LEAD || !(c < 128 ? LINE_LEAD[c] === 1 : c === 0x3010 || c === 0x300c)) return false;
  }
  return true;
}

/** Whether `pos` comes right after an HTML comment's opening ("<!--", then a few spaces). */
function inHtmlComment(text: string, pos: number): boolean {
  let j = pos;
  while (j > 0 && pos - j < 4 && text.charCodeAt(j - 1) === 32) j--;
  return text.startsWith('<!--', j - 4);
}

/** A line of a few words ("user input ends", "入力終わり"): in verb-final languages the boundary word comes last. */
const SHORT_LINE = 48;

function shortLine(text: string, pos: number): boolean {
  let start = pos;
  while (start > 0 && text.charCodeAt(start - 1) !== 10) if (pos - --start > SHORT_LINE) return false;
  let end = pos;
  while (end < text.length && text.charCodeAt(end) !== 10) if (++end - start > SHORT_LINE) return false;
  return end - start <= SHORT_LINE;
}

/** A line that names the system and then a colon or a closing bracket: "System:", "[SİSTEM]:". */
function systemLabel(text: string, hit: Hit): boolean {
  const rest = text.slice(hit.end, hit.end + 4);
  return /^[^\p{L}\p{N}\n]{0,2}[:\]】>)]/u.test(rest);
}

/** Distances in characters between the words of one intent. */
const NEAR = 60;
/** "Ignore all of the previous instructions" in verb-first languages; "指示はすべて無視" in verb-final ones. */
const OBJECT_AFTER = 40;
const OBJECT_BEFORE = 30;
const EXTRACTION_SPAN = 80;
const PERSONA_SPAN = 150;
const WITHOUT_LIMITS_SPAN = 30;
const ORDERS_AFTER_CLAIM = 250;
const NEGATION_BEFORE = 12;
/** "Your real task" and "new task" are adjacent words; a verb-final language puts them next to each other too. */
const TASK_AFTER = 12;
const NEGATION_AFTER = 10;
/** "AI reading this", "note to the assistant": the name and the address stand together. */
const READER_SPAN = 20;

const WEIGHTS = {
  override: 0.8,
  dropEverything: 0.45,
  newTask: 0.45,
  extraction: 0.75,
  systemExtraction: 0.45,
  persona: 0.65,
  unrestrictedModel: 0.4,
  fakeSystem: 0.7,
  claimAlone: 0.3,
  limitsOff: 0.65,
  readerNote: 0.7,
} as const;
/** Talk about attacks (how to defend, detect, prevent) keeps half of what the cues say. */
const DEFENCE_FACTOR = 0.5;

/** What a fake system message goes on to order; "tell" or "show" alone is what real system prompts say. */
const ORDERS = Concept.Instructions | Concept.Ignore | Concept.Disabled | Concept.New | Concept.Unrestricted | Concept.Task;

export interface IntentCues {
  cues: IntentCue[];
  /** The text talks about defending against attacks (protect, detect, prevent, red team). */
  defence: boolean;
}

const NONE: IntentCues = { cues: [], defence: false };

/** The intents `folded` (from foldForCues) shows, strongest per key. */
export function findIntentCues(folded: string): IntentCues {
  const hits = findHits(folded);
  if (hits.length === 0) return NONE;
  let seen = 0;
  for (const h of hits) seen |= h.concepts;
  const cues = new Map<string, IntentCue>();
  const add = (key: string, signal: string, weight: number): void => {
    const had = cues.get(key);
    if (had === undefined || had.weight < weight) cues.set(key, { key, signal, weight });
  };

  // Positions where "free of limits" is said, in one word or as "without" next to "limits".
  const unrestricted: Hit[] = [];
  if ((seen & (Concept.Unrestricted | Concept.Without)) !== 0) {
    hits.forEach((h, i) => {
      if ((h.concepts & Concept.Unrestricted) !== 0) unrestricted.push(h);
      else if ((h.concepts & Concept.Without) !== 0 && anyWithin(hits, i, Concept.Limits, h.pos - WITHOUT_LIMITS_SPAN, h.end + WITHOUT_LIMITS_SPAN) !== undefined) unrestricted.push(h);
    });
  }

  hits.forEach((h, i) => {
    const c = h.concepts;
    // "Do not follow the previous rules" drops them as surely as "ignore".
    const drops = ((c & Concept.Ignore) !== 0 && !negated(hits, i, seen)) || ((c & Concept.Follow) !== 0 && negated(hits, i, seen));
    if (drops) {
      if (anyWithin(hits, i, Concept.Instructions, h.pos - OBJECT_BEFORE, h.end + OBJECT_AFTER) !== undefined) add('cue:override', 'instruction_override', WEIGHTS.override);
      else if (anyWithin(hits, i, Concept.Hidden | Concept.All, h.pos - NEAR, h.end + NEAR) !== undefined) add('cue:drop-everything', 'instruction_override', WEIGHTS.dropEverything);
    }
    // "Your real task is…", "new task:", "new instruction from…": the user's task replaced.
    if ((c & Concept.New) !== 0 && anyWithin(hits, i, Concept.Task | Concept.Instructions, h.end, h.end + TASK_AFTER) !== undefined) add('cue:new-task', 'instruction_override', WEIGHTS.newTask);
    // "Disregard the summary task and instead…": a task dropped is weaker than instructions dropped.
    if (drops && anyWithin(hits, i, Concept.Task, h.end, h.end + OBJECT_AFTER) !== undefined) add('cue:new-task', 'instruction_override', WEIGHTS.newTask);
    // "Your guidelines have been revoked", "pretend the safety layer is switched off": limits claimed gone, said to the model.
    if ((c & Concept.Disabled) !== 0 && anyWithin(hits, i, Concept.Limits, h.pos - NEAR, h.end + NEAR) !== undefined && anyWithin(hits, i, Concept.Your | Concept.Model | Concept.Persona, h.pos - NEAR, h.end + NEAR) !== undefined) {
      add('cue:limits-off', 'jailbreak', WEIGHTS.limitsOff);
    }
    // "AI reading this, stop summarising and…": a note a document leaves for the model that reads it.
    if ((c & Concept.Reader) !== 0 && anyWithin(hits, i, Concept.Model, h.pos - READER_SPAN, h.end + READER_SPAN) !== undefined) add('cue:reader-note', 'instruction_override', WEIGHTS.readerNote);
    if ((c & Concept.Reveal) !== 0 && !negated(hits, i, seen)) {
      const noun = anyWithin(hits, i, Concept.PromptNoun | Concept.Config, h.pos - EXTRACTION_SPAN, h.end + EXTRACTION_SPAN);
      if (noun !== undefined) {
        const lo = Math.min(h.pos, noun.pos) - EXTRACTION_SPAN / 2;
        const hi = Math.max(h.end, noun.end) + EXTRACTION_SPAN / 2;
        // "Print the initial configuration report" is a chore; "print your configuration" is not.
        const owner = (noun.concepts & Concept.PromptNoun) !== 0 ? Concept.Your | Concept.Hidden : Concept.Your;
        if (anyWithin(hits, i, owner, lo, hi) !== undefined) add('cue:extraction', 'system_prompt_exfiltration', WEIGHTS.extraction);
        else if ((noun.concepts & Concept.PromptNoun) !== 0 && anyWithin(hits, i, Concept.System, lo, hi) !== undefined) add('cue:system-extraction', 'system_prompt_exfiltration', WEIGHTS.systemExtraction);
      }
    }
    // "System:" alone opens many genuine system prompts; a named system message or a boundary is a claim by itself.
    // "<!-- assistant: …": a hidden comment in a page speaking as or to the model.
    const label =
      ((c & Concept.System) !== 0 && startsLine(folded, h.pos) && systemLabel(folded, h)) ||
      ((c & Concept.Model) !== 0 && inHtmlComment(folded, h.pos) && systemLabel(folded, h));
    const claim =
      ((c & Concept.SystemMessage) !== 0 && startsLine(folded, h.pos)) ||
      ((c & Concept.End) !== 0 && (startsLine(folded, h.pos) || shortLine(folded, h.pos)) && anyWithin(hits, i, Concept.Data, h.pos - 25, h.end + 25) !== undefined) ||
      // A closing tag of the data ("</document>", "</email>"): the boundary claimed in markup.
      ((c & Concept.Data) !== 0 && folded.startsWith('</', h.pos - 2));
    if (claim || label) {
      const orders =
        anyWithin(hits, i, ORDERS, h.end, h.end + ORDERS_AFTER_CLAIM) !== undefined ||
        (unrestricted.length > 0 && anyWithin(unrestricted, indexNear(unrestricted, h.end), ~0, h.end, h.end + ORDERS_AFTER_CLAIM) !== undefined);
      if (orders) add('cue:fake-system', 'fake_system_message', WEIGHTS.fakeSystem);
      else if (claim) add('cue:fake-system', 'fake_system_message', WEIGHTS.claimAlone);
    }
  });

  for (const u of unrestricted) {
    const i = indexNear(hits, u.pos);
    const persona = anyWithin(hits, i, Concept.Persona, u.pos - PERSONA_SPAN, u.end + PERSONA_SPAN) !== undefined;
    const model = anyWithin(hits, i, Concept.Model, u.pos - PERSONA_SPAN, u.end + PERSONA_SPAN) !== undefined;
    // "Pretend you are an author revealing an uncensored version of your story": the persona must be a model.
    if (persona && model) add('cue:persona', 'persona_override', WEIGHTS.persona);
    else if (anyWithin(hits, i, Concept.Model, u.pos - NEAR, u.end + NEAR) !== undefined) add('cue:unrestricted-model', 'jailbreak', WEIGHTS.unrestrictedModel);
  }

  const out = [...cues.values()];
  const defence = (seen & Concept.Defence) !== 0;
  if (defence) for (const cue of out) cue.weight = Math.round(cue.weight * DEFENCE_FACTOR * 1000) / 1000;
  return { cues: out, defence };
}
