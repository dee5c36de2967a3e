// Counters of the bounded work one classification does (model windows, phone-number library
// checks, decoded payloads), so tests and diagnostics can hold hostile input to those bounds
// without timing anything.

export interface ClassifyWork {
  /** Characters of text classified. */
  chars: number;
  /** Windows the injection model scored (one per text up to its window, then one per stride). */
  modelWindows: number;
  /** Candidates handed to libphonenumber (each distinct candidate of a text at most once per reading). */
  phoneChecks: number;
  /** Encoded payloads decoded and read, over all texts (at most 16 per text). */
  decodedPayloads: number;
  /** Characters those payloads decoded to (at most 64 KiB per text). */
  decodedChars: number;
  /** Deepest layer of nested encoding read (at most 3). */
  decodeDepth: number;
}

export function newWork(): ClassifyWork {
  return { chars: 0, modelWindows: 0, phoneChecks: 0, decodedPayloads: 0, decodedChars: 0, decodeDepth: 0 };
}
