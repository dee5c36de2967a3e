// Shared set-up for the translation tests: the real provider registry with one model per
// provider family, each on a loopback fake of its wire format, and a way to send one request
// through it and see what left (the fake's recorded body, and what the egress hook was shown).
import type { ModelApi } from '../../gateway/src/api-names.js';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isGatewayError } from '../../gateway/src/errors.js';
import { createProviderRegistry, type ProviderRegistry } from '../../gateway/src/providers/registry.js';
import type { ProviderCall, ProviderResult } from '../../gateway/src/providers/types.js';
import { ANTHROPIC_FAKE_KEY } from '../support/fake-anthropic.js';
import { BEDROCK_ACCESS_KEY_ID, BEDROCK_SECRET_KEY } from '../support/fake-bedrock.js';
import { GEMINI_FAKE_KEY } from '../support/fake-gemini.js';
import { OPENAI_FAKE_KEY } from '../support/fake-openai-platform.js';
import type { FakeUpstream, ReceivedRequest } from '../support/fake-upstream.js';
import { AZURE_API_VERSION, BEDROCK_MODEL, type Fakes } from './helpers.js';

export type Family = 'openai' | 'anthropic' | 'bedrock' | 'gemini' | 'echo';
export type Json = Record<string, unknown>;

/** The model that reaches each family; `azure-gpt` for Responses callers (the openai type answers those natively). */
export const MODEL_OF: Record<Family, string> = { openai: 'gpt', anthropic: 'claude', bedrock: 'bedrock-claude', gemini: 'gemini-flash', echo: 'echo' };
/** The provider type each family's refusals name. */
export const TYPE_OF: Record<Family, string> = { openai: 'openai', anthropic: 'anthropic', bedrock: 'bedrock', gemini: 'gemini', echo: 'echo' };

export function createTranslationRegistry(f: Fakes): ProviderRegistry {
  const t = { timeout_ms: 5000, stream_idle_timeout_ms: 5000 };
  return createProviderRegistry(
    {
      providers: [
        { name: 'echo', type: 'echo' },
        { name: 'openai', type: 'openai', base_url: f.openai.baseUrl, ...t },
        { name: 'azure', type: 'azure', base_url: f.azure.baseUrl, api_version: AZURE_API_VERSION, ...t },
        { name: 'anthropic', type: 'anthropic', base_url: f.anthropic.baseUrl, ...t },
        { name: 'bedrock', type: 'bedrock', base_url: f.bedrock.baseUrl, region: f.bedrock.region, access_key_id: BEDROCK_ACCESS_KEY_ID, ...t },
        { name: 'gemini', type: 'gemini', base_url: f.gemini.baseUrl, ...t },
      ],
      models: [
        { name: 'echo', provider: 'echo', strategy: 'priority', fallbacks: true },
        { name: 'gpt', provider: 'openai', upstream_model: 'gpt-4o-mini', strategy: 'priority', fallbacks: true },
        { name: 'azure-gpt', provider: 'azure', upstream_model: 'gpt4o-deployment', strategy: 'priority', fallbacks: true },
        { name: 'claude', provider: 'anthropic', upstream_model: 'claude-sonnet-4-5', strategy: 'priority', fallbacks: true },
        { name: 'bedrock-claude', provider: 'bedrock', upstream_model: BEDROCK_MODEL, strategy: 'priority', fallbacks: true },
        { name: 'gemini-flash', provider: 'gemini', upstream_model: 'gemini-2.0-flash', strategy: 'priority', fallbacks: true },
        {
          name: 'gpt-then-claude',
          targets: [
            { provider: 'openai', model: 'gpt-4o-mini', weight: 1 },
            { provider: 'anthropic', model: 'claude-sonnet-4-5', weight: 1 },
          ],
          strategy: 'priority',
          fallbacks: true,
        },
      ],
    },
    {
      clock: Date.now,
      newId: () => randomUUID().replaceAll('-', ''),
      providerKeys: new Map([
        ['openai', OPENAI_FAKE_KEY],
        ['azure', OPENAI_FAKE_KEY],
        ['anthropic', ANTHROPIC_FAKE_KEY],
        ['bedrock', BEDROCK_SECRET_KEY],
        ['gemini', GEMINI_FAKE_KEY],
      ]),
    },
  );
}

export function fakeOf(f: Fakes, model: string): FakeUpstream | undefined {
  const byModel: Record<string, FakeUpstream> = { gpt: f.openai, 'azure-gpt': f.azure, claude: f.anthropic, 'bedrock-claude': f.bedrock, 'gemini-flash': f.gemini };
  return byModel[model];
}

export interface Sent {
  /** What the provider received (for echo: the neutral request it answered from). */
  body: Json;
  path: string;
}

export interface Outcome {
  error?: unknown;
  result?: ProviderResult;
  /** The JSON answer, or the raw data of every streamed event. */
  answer?: unknown;
  /** Every request the fake received for this call. */
  received: ReceivedRequest[];
  /** Every body the egress hook was shown. */
  examined: unknown[];
}

/** Sends one request through the registry's routed provider for `model`, draining any stream. */
export async function send(registry: ProviderRegistry, fakes: Fakes, api: ModelApi, model: string, body: Json, extra: Partial<ProviderCall> = {}): Promise<Outcome> {
  const fake = fakeOf(fakes, model);
  const before = fake?.received.length ?? 0;
  const examined: unknown[] = [];
  const route = registry.resolve(model);
  assert.ok(route, `model ${model}`);
  const out: Outcome = { received: [], examined };
  try {
    const result = await route.provider.call(
      { api, body: { ...body, model }, stream: body['stream'] === true },
      { signal: AbortSignal.timeout(10_000), examine: (o) => examined.push(structuredClone(o)), ...extra },
    );
    out.result = result;
    if (result.kind === 'stream') {
      const data: string[] = [];
      for await (const ev of result.events) data.push(ev.data);
      out.answer = data;
    } else out.answer = result.body;
  } catch (err) {
    out.error = err;
  }
  out.received = fake?.received.slice(before) ?? [];
  return out;
}

/** Asserts a refusal the caller sees as a 400 naming `path` and the provider type, echoing none of `values`. */
export function assertRefused(out: Outcome, path: string, type: string, values: readonly string[]): void {
  assert.ok(isGatewayError(out.error), `expected a refusal naming "${path}", got ${out.error === undefined ? `status ${String(out.result?.status)}` : String(out.error)}`);
  assert.equal(out.error.status, 400);
  assert.equal(out.error.code, 'GW_ERR_FEATURE_UNSUPPORTED');
  const article = /^[aeiou]/.test(type) ? 'an' : 'a';
  assert.ok(out.error.message.includes(`"${path}" cannot be carried to ${article} ${type} provider.`), out.error.message);
  for (const v of values) assert.ok(!out.error.message.includes(v), `the refusal repeats the caller's value ${JSON.stringify(v)}`);
  assert.equal(out.received.length, 0, 'nothing was sent');
}

/** Asserts the call went through and returns what the provider received, checking the egress hook saw exactly that. */
export function assertSent(out: Outcome, family: Family): Sent {
  if (out.error !== undefined) throw out.error;
  assert.equal(out.result?.status, 200, JSON.stringify(out.answer));
  assert.equal(out.examined.length, 1, 'the egress hook saw the call once');
  if (family === 'echo') return { body: out.examined[0] as Json, path: '' };
  assert.equal(out.received.length, 1);
  const received = out.received[0] as ReceivedRequest;
  assert.deepEqual(out.examined[0], JSON.parse(received.rawBody), 'the egress hook saw exactly the body sent');
  return { body: received.body, path: received.path };
}

/** Reads `a.b[0].c` from a JSON value. */
export function get(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Every string leaf of a JSON value (the caller's values a refusal must not repeat). */
export function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}
