// Context words, as data: the words that must come shortly before a value for recognizers whose
// pattern alone says too little (nine bare digits may be a passport, an account or nothing), and
// the words that raise a weak match. All groups are found in one pass over the lower-cased text.

import { wordListScan } from './word-list-scan.js';

export const CUE_GROUPS = {
  itin: ['itin', 'itins', 'taxpayer', 'tax id', 'tin'],
  bank: ['account', 'acct', 'bank', 'checking', 'savings', 'debit', 'deposit', 'a/c'],
  routing: ['routing', 'aba', 'rtn', 'transit number', 'routing transit'],
  passport: ['passport', 'travel document'],
  driver: ['driver', "driver's", 'drivers', 'driving', 'license', 'licence', 'dl', 'dmv', 'permit', 'lic'],
  nhs: ['nhs', 'health service', 'chi number'],
  sin: ['sin', 'social insurance', 'nas', 'assurance sociale'],
  npi: ['npi', 'provider', 'prescriber', 'national provider', 'physician', 'doctor', 'dr'],
  imei: ['imei', 'device id', 'handset', 'serial'],
  mrn: ['mrn', 'mr#', 'medical record', 'record number', 'record no', 'chart number', 'chart no', 'chart #', 'patient id', 'patient number', 'patient no', 'hospital number', 'hospital no', 'case number', 'encounter'],
  healthPlan: ['member id', 'member number', 'member no', 'member #', 'subscriber', 'subscriber id', 'policy number', 'policy no', 'policy #', 'health plan', 'insurance id', 'insurance number', 'beneficiary', 'medicaid', 'group number', 'plan id', 'cin'],
  medicare: ['medicare', 'mbi', 'beneficiary'],
  zip: ['zip', 'zip code', 'zipcode', 'postal', 'postcode', 'postal code'],
  icd: ['icd', 'icd-10', 'icd10', 'icd-10-cm', 'diagnosis', 'diagnosed', 'dx', 'code', 'codes', 'condition'],
  password: ['password', 'passwd', 'pwd', 'passphrase', 'pass phrase', 'passcode', 'pin code', 'db_pass', 'db_password'],
  vin: ['vin', 'vehicle', 'chassis'],
  health: ['patient', 'diagnosed', 'diagnosis', 'treatment', 'treated', 'symptom', 'suffers', 'suffering', 'history of', 'medical', 'clinic', 'hospital', 'prescribed', 'medication', 'physician', 'nurse', 'admitted', 'discharged', 'chronic', 'acute', 'severe', 'positive for', 'tested positive'],
} as const;

export type CueGroup = keyof typeof CUE_GROUPS;

export interface Cue {
  group: CueGroup;
  start: number;
  end: number;
}

/** Spaces, dashes and underscores inside a cue may vary ("zip code", "zip-code", "zipcode"). */
function keyOf(word: string): string {
  return word.replace(/[ _-]/g, '');
}

/** Which groups a word belongs to ("beneficiary" is both a health-plan and a Medicare word). */
const GROUPS_OF = new Map<string, CueGroup[]>();
for (const [group, words] of Object.entries(CUE_GROUPS) as [CueGroup, readonly string[]][]) {
  for (const word of words) {
    const list = GROUPS_OF.get(keyOf(word)) ?? [];
    if (!list.includes(group)) list.push(group);
    GROUPS_OF.set(keyOf(word), list);
  }
}

const WORDS = Object.values(CUE_GROUPS).flat() as string[];

/** A word as a pattern: separators inside may vary, a plural "s" may follow, and a word that ends
 * in a letter or digit must end there ("lic" is not "public"'s end, nor "licensing"'s start). */
function wordPattern(word: string): string {
  const body = word.replace(/[.*+?^${}()|[\]\\/#-]/g, '\\$&').replace(/\\-| /g, '[ _-]?');
  return /[a-z0-9]$/.test(word) ? `${body}s?\\b` : body;
}

/**
 * Longest words first, so "social insurance" is reported rather than a shorter word at the same
 * place. `\b` before keeps "sin" out of "casino" and "dr" out of "address" (and is cheaper for
 * the engine than a lookbehind).
 */
const CUE = new RegExp(`\\b(?:${[...new Set(WORDS)].sort((a, b) => b.length - a.length).map(wordPattern).join('|')})`, 'g');
/** Each word up to its first space or dash: the part every spelling of it begins with. */
const CUE_SCAN = wordListScan(CUE, WORDS.map((w) => w.split(/[ -]/, 1)[0] ?? w));
const SEPARATOR = /[ _-]/;

/** Every cue in `lower` (a lower-cased text with the same offsets as the original). */
export function findCues(lower: string): Cue[] {
  const cues: Cue[] = [];
  CUE_SCAN.forEach(lower, (m) => {
    const key = SEPARATOR.test(m[0]) ? keyOf(m[0]) : m[0];
    const groups = GROUPS_OF.get(key) ?? (key.endsWith('s') ? GROUPS_OF.get(key.slice(0, -1)) : undefined) ?? [];
    for (const group of groups) cues.push({ group, start: m.index, end: m.index + m[0].length });
  });
  return cues;
}
