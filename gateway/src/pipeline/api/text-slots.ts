// The text pieces of a request or answer body, read and replaced by one walk per API, so the
// pieces the classifier saw and the pieces redaction writes back are the same, in the same order.
import { GatewayError } from '../../errors.js';

/** Called for each text piece in order; returning a string writes it back in place of the piece. */
export type TextVisitor = (text: string) => string | undefined;

/** Walks `body`, calling `visit` for every text piece; it may write into `body`. */
export type TextWalk<T> = (body: T, visit: TextVisitor) => void;

export function collectTexts<T>(body: T, walk: TextWalk<T>): string[] {
  const out: string[] = [];
  walk(body, (text) => {
    out.push(text);
    return undefined;
  });
  return out;
}

/** A deep copy of `body` with its pieces replaced by `texts`, which must match them one to one. */
export function replaceTexts<T>(body: T, walk: TextWalk<T>, texts: readonly string[]): T {
  const copy = structuredClone(body);
  let i = 0;
  walk(copy, () => {
    if (i >= texts.length) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'More text pieces than replacements.' });
    return texts[i++];
  });
  if (i !== texts.length) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'Fewer text pieces than replacements.' });
  return copy;
}

/** Tool arguments are JSON held as text: redacted text must still be the JSON object it was. */
export function reparseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new GatewayError('GW_ERR_REDACTION_FAILED', { cause, detail: 'Redaction would break the JSON of a tool call, so the request is not forwarded.' });
  }
}

/** Every string in a JSON value (citations, annotations): what the caller will read of it. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}
