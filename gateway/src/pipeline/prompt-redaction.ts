// Applies a request decision's `redact` to the prompt before it leaves: the provider receives the
// caller's body with each listed value replaced, and the per-request placeholder map stays here
// so the answer can be restored (reversible mode). The caller's own body is never changed.
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { Classification } from '../classify/index.js';
import type { PolicyOutput } from '../policy/index.js';
import { createRedactor, operatorsFromPolicy, type Operator, type PlaceholderMap } from '../redact/index.js';
import type { ParsedRequest } from './api/types.js';
import { writeSlots } from './fields/write-slots.js';

export interface PromptRedaction {
  /** The body to forward. */
  body: Record<string, unknown>;
  /** The slot texts as they leave. */
  texts: string[];
  map: PlaceholderMap;
  record: NonNullable<AuditRecordV1['redaction']>;
}

export function redactPrompt(
  parsed: ParsedRequest,
  classification: Pick<Classification, 'entities'>,
  output: PolicyOutput | undefined,
  hashKey: Uint8Array,
): PromptRedaction | undefined {
  const operators: Record<string, Operator> = operatorsFromPolicy(output?.redact);
  if (Object.keys(operators).length === 0) return undefined;
  const result = createRedactor({ operators, hashKey }).redact(parsed.texts, classification);
  const record: PromptRedaction['record'] = { operators, redacted: result.redacted };
  // Nothing matched: the caller's body goes out as it came, the decision to redact stays on record.
  const changed = Object.keys(result.redacted).length > 0;
  return { body: changed ? writeSlots(parsed.body, parsed.slots, result.texts) : parsed.body, texts: result.texts, map: result.map, record };
}
