// Licences, contracts, terms of service, policies and specifications speak to the reader in the
// second person and the imperative ("You must…", "You may not…", "Receivers MUST ignore…"), which
// the n-gram model learnt from jailbreaks, and they use the words the intent cues look for
// ("ignore unknown fields", "disclose the configuration"). Such text is recognised here so that
// the detector can damp that evidence when nothing stronger asks the model to drop its
// instructions, reveal them or change persona.

/** Terms of art of licences and contracts, English first, then the other languages the cues cover. */
const LEGAL_TERMS =
  /\b(?:licen[cs](?:e|es|ed|or|ee|ing)|warrant(?:y|ies)|liabilit(?:y|ies)|liable|indemni\w+|herein|hereby|hereunder|hereof|thereof|therein|whereas|notwithstanding|pursuant|agreement|terms and conditions|governing law|jurisdiction|copyright|provided that|subject to the|shall|sublicens\w+|royalt(?:y|ies)|redistribut\w+|derivative works?|confidential information|terminat(?:e|es|ion)|infring\w+|patents?|clause|legal entit\w+|proprietary|source code|object code|covered (?:software|code|work)|contributors?|this (?:license|licence|agreement)|rights under|terms of this|in accordance with|applicable law|grant(?:s|ed)?|permission|convey(?:s|ed|ing)?|propagat\w+|recipients?|the (?:program|work|software|library)|(?:section|article|annex|schedule) \d+|lizenz\w*|vertrag\w*|haftung|gewährleistung|licencia|contrato|garantía|responsabilidad|licença|licenza|contratto|licentie|overeenkomst|licencj\w*|umow\w*|lisans|sözleşme|lisensi|perjanjian|contrat|garantie|responsabilité)\b|лиценз|договор|ترخيص|عقد|مجوز|قرارداد|许可|許可|协议|協議|合同|契約|ライセンス|라이선스|계약|लाइसेंस|अनुबंध/g;

/** Distinct terms a text must hold, and how densely, to read as a legal document. */
const MIN_DISTINCT = 3;
const MIN_PER_KILOCHAR = 2;

/** The requirement keywords of specifications (RFC 2119), in capitals as specifications write them. */
const REQUIREMENT_KEYWORDS = /\b(?:MUST(?: NOT)?|SHALL(?: NOT)?|SHOULD(?: NOT)?|REQUIRED|RECOMMENDED|MAY|OPTIONAL)\b/g;
const MIN_REQUIREMENTS = 1;
/** Jailbreaks shout MUST at the model too, and give it duties; specifications and policies do not address "you". */
const ADDRESSES_READER = /\byou(?:r|rs|rself|'re)?\b/;

/** Policy documents: obligations put on a class of people rather than on the reader. */
const POLICY_SUBJECTS = /\b(?:employees|staff|contractors|users|members|the (?:operator|administrator|customer|supplier|licensee|licensor|company|employer|processor|controller)|each party|all personnel)\s+(?:must|shall|may|should|are required to|will)\b/g;
const MIN_POLICY_SUBJECTS = 1;

function countMatches(pattern: RegExp, text: string, distinct?: Set<string>): number {
  let count = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    distinct?.add(m[0]);
    count++;
  }
  return count;
}

/** Whether the text reads as licence, contract, policy or specification prose. `lower` is its lower case. */
export function looksFormal(text: string, lower: string): boolean {
  const distinct = new Set<string>();
  const legal = countMatches(LEGAL_TERMS, lower, distinct);
  if (distinct.size >= MIN_DISTINCT && (legal * 1000) / Math.max(1, lower.length) >= MIN_PER_KILOCHAR) return true;
  if (ADDRESSES_READER.test(lower)) return false;
  return countMatches(REQUIREMENT_KEYWORDS, text) >= MIN_REQUIREMENTS || countMatches(POLICY_SUBJECTS, lower) >= MIN_POLICY_SUBJECTS;
}
