// What kind of document a text is (formal prose, code), worked out only when the detector asks:
// most prompts never need the answer, and the checks read up to the first 8 KiB.

import { looksLikeCode } from './code-text.js';
import { looksFormal } from './formal-prose.js';

/** What kind of document a text is shows in its first pages; reading only those keeps long prompts cheap. */
const DOCUMENT_SAMPLE = 8192;

export class DocumentKind {
  private formalSeen: boolean | undefined;
  private codeSeen: boolean | undefined;

  constructor(
    private readonly text: string,
    private readonly lower: string,
  ) {}

  /** Licence, contract, policy or specification prose. */
  get formal(): boolean {
    this.formalSeen ??= looksFormal(this.text.slice(0, DOCUMENT_SAMPLE), this.lower.slice(0, DOCUMENT_SAMPLE));
    return this.formalSeen;
  }

  get code(): boolean {
    this.codeSeen ??= looksLikeCode(this.text.slice(0, DOCUMENT_SAMPLE));
    return this.codeSeen;
  }

  /** Formal prose or code: where words about instructions are more often about software. */
  get document(): boolean {
    return this.formal || this.code;
  }
}
