// C2SP tlog-checkpoint note bodies: origin, tree size and root hash lines.
import { fromBase64Strict } from './bytes.js';
import { HASH_SIZE } from './merkle.js';

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
}

/** Parses checkpoint text (the note body); a string says what is wrong with it. */
export function parseCheckpoint(text: string): Checkpoint | string {
  if (!text.endsWith('\n')) return 'The checkpoint does not end with a newline.';
  const [origin = '', sizeText = '', rootText = '', ...extensions] = text.slice(0, -1).split('\n');
  if (origin.length === 0) return 'The checkpoint has no origin line.';
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) return 'The checkpoint size is not a decimal number.';
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return 'The checkpoint size is too large.';
  const rootHash = fromBase64Strict(rootText);
  if (!rootHash || rootHash.length !== HASH_SIZE) return 'The checkpoint root hash is not base64 of 32 bytes.';
  if (extensions.some((l) => l.length === 0)) return 'The checkpoint has an empty extension line.';
  return { origin, size, rootHash };
}
