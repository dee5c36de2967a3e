// Content commitments: the ledger proves what was sent without holding the text. A keyed hash
// (HMAC-SHA256) rather than a plain hash, so short or guessable prompts cannot be recovered by
// hashing candidates.
import { createHmac } from 'node:crypto';

export type Commit = (content: string | Uint8Array) => { bytes: number; commitment: string };

export function createCommitter(key: Uint8Array): Commit {
  return (content) => {
    const bytes = typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.byteLength;
    return { bytes, commitment: createHmac('sha256', key).update(content).digest('hex') };
  };
}
