// Serialises a decision input once, so the enforced and the shadow bundle evaluate the same bytes
// and the size bound is checked on exactly what the WASM module parses.

import { thrownMessage } from './thrown-message.js';

const OPEN_BRACE = 0x7b;
const encoder = new TextEncoder();

/** A decision input already turned into JSON bytes; only serialisePolicyInput makes one. */
export class SerialisedInput {
  private constructor(
    readonly json: ArrayBuffer,
    readonly bytes: number,
  ) {}

  /** @internal */
  static of(json: ArrayBuffer): SerialisedInput {
    return new SerialisedInput(json, json.byteLength);
  }
}

export type SerialiseOutcome = { ok: true; input: SerialisedInput } | { ok: false; message: string };

/**
 * The SDK treats falsy input as absent, and the WASM side treats JSON text it cannot parse as no
 * input at all, so a policy would decide on nothing. Only text that opens a JSON object goes
 * through.
 */
export function serialisePolicyInput(input: unknown): SerialiseOutcome {
  if (input instanceof SerialisedInput) return { ok: true, input };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, message: 'The policy input must be a JSON object.' };
  let text: unknown;
  try {
    text = JSON.stringify(input);
  } catch (thrown) {
    return { ok: false, message: `The policy input cannot be serialised as JSON: ${thrownMessage(thrown)}` };
  }
  if (typeof text !== 'string' || text.charCodeAt(0) !== OPEN_BRACE) return { ok: false, message: 'The policy input must be a JSON object.' };
  const bytes = encoder.encode(text);
  const json = bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  return { ok: true, input: SerialisedInput.of(json) };
}
