// The text a raw HTTP body (a pass-through request or answer) is committed as, so that an auditor
// holding the bytes can recompute its commitment: UTF-8 text as it is, anything else as base64.
import { isUtf8 } from 'node:buffer';

const BASE64_PREFIX = 'base64:';

/**
 * A body that is valid UTF-8 is committed as its text (JSON, JSONL and text files, the usual
 * case, stay checkable by eye); any other body, and any text that itself starts with `base64:`,
 * as `base64:` followed by its standard base64. Distinct bodies therefore never share a form.
 */
export function bodyCommitmentText(body: Uint8Array): string {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (isUtf8(bytes)) {
    const text = bytes.toString('utf8');
    if (!text.startsWith(BASE64_PREFIX)) return text;
  }
  return `${BASE64_PREFIX}${bytes.toString('base64')}`;
}
