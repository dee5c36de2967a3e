// The parts of a ParsedRequest every API reads the same way from its field table's reading.
import type { ModelApi } from '../../api-names.js';
import { GatewayError } from '../../errors.js';
import { isObject, type Json } from '../../providers/translate/json-shapes.js';
import { summariseWithTokens } from '../api/prompt-estimate.js';
import type { ParsedRequest } from '../api/types.js';
import { readBody, type ReadOptions } from './read-body.js';
import type { Spec } from './spec.js';
import type { EncodedSlot } from './write-slots.js';

/** Numeric knobs the policy may see, by name; the table has already checked their ranges. */
export function numericParams(body: Json, names: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const k of names) if (typeof body[k] === 'number') params[k] = body[k];
  if (Array.isArray(body['tools'])) params['tools_count'] = body['tools'].length;
  return params;
}

export interface TableRead {
  body: Json;
  slots: EncodedSlot[];
  contentKinds: string[];
}

/** Checks `body` against `spec`; the body must be a JSON object with a non-empty string `model`. */
export function readTable(body: unknown, spec: Spec, options: ReadOptions): TableRead {
  if (!isObject(body)) throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: 'The body must be a JSON object.' });
  if (typeof body['model'] !== 'string' || body['model'] === '') throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: '"model" must be a non-empty string.' });
  const reading = readBody(body, spec, options);
  return { body, slots: reading.slots, contentKinds: [...reading.kinds].sort() };
}

export function parsedFrom(api: ModelApi, read: TableRead, roles: readonly { role: string }[], params: Record<string, unknown>): ParsedRequest {
  const texts = read.slots.map((s) => s.text);
  const promptTexts = read.slots.filter((s) => s.prompt).map((s) => s.text);
  return {
    api,
    model: read.body['model'] as string,
    stream: read.body['stream'] === true,
    slots: read.slots,
    texts,
    promptTexts,
    contentKinds: read.contentKinds,
    prompt: summariseWithTokens(roles, promptTexts),
    params,
    body: read.body,
  };
}
