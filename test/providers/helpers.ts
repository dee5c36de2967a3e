// Shared set-up for the provider tests: one fake upstream per wire format, provider keys in
// files (as operators keep them), and a real gateway whose models route to each fake.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type ConfigPatch, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { ANTHROPIC_FAKE_KEY, startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.js';
import { BEDROCK_ACCESS_KEY_ID, BEDROCK_SECRET_KEY, startFakeBedrock, type FakeBedrock } from '../support/fake-bedrock.js';
import { GEMINI_FAKE_KEY, startFakeGemini, type FakeGemini } from '../support/fake-gemini.js';
import { OPENAI_FAKE_KEY, startFakeOpenAIPlatform, type FakeOpenAIPlatform } from '../support/fake-openai-platform.js';
import { commitContent, type AuditRecordV1 } from '@palisade/audit-core';
import { SubjectKeyStore } from '@palisade/ledger';

export const AZURE_API_VERSION = '2024-10-21';
export const BEDROCK_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
export const VERTEX = { token: 'ya29.fake-vertex-token', project: 'proj-1', region: 'europe-west4' };

export interface Fakes {
  openai: FakeOpenAIPlatform;
  azure: FakeOpenAIPlatform;
  compat: FakeOpenAIPlatform;
  anthropic: FakeAnthropic;
  bedrock: FakeBedrock;
  gemini: FakeGemini;
  vertex: FakeGemini;
  /** Holds the provider key files. */
  dir: string;
  close(): Promise<void>;
}

/** Claude is for pii-readers only; PII needs pii-reader as in the shipped policy. */
export const MODEL_POLICY = `package palisade.request

decision := {"allow": count(deny) == 0, "reasons": [r | some r in deny]}

deny contains {"code": "model_restricted", "message": "claude is for pii-readers."} if {
  input.request.model == "claude"
  not "pii-reader" in input.principal.roles
}

deny contains {"code": "pii_requires_pii_reader", "message": "PII needs pii-reader."} if {
  count(input.classification.entities) > 0
  not "pii-reader" in input.principal.roles
}

deny contains {"code": "uninspected_content", "message": "The request holds content the gateway cannot inspect."} if {
  count(object.get(input.request, "content_kinds", [])) > 0
  not "uninspected-content" in input.principal.roles
}
`;

/** API-key callers' issuer, under which their subject keys are kept. */
export const API_KEY_ISSUER = 'urn:palisade:api-key';

/**
 * The commitment a gateway's record should hold for `text` from subject `sub`, computed as an
 * auditor would: the subject's key from the gateway's key store, then HMAC-SHA256.
 */
export async function expectedCommitment(gw: TestGateway, sub: string, text: string): Promise<{ bytes: number; commitment: string }> {
  const masterKey = Buffer.from(readFileSync(join(gw.dir, 'keys/commitment.key'), 'utf8').trim(), 'hex');
  const keys = new SubjectKeyStore({ dir: join(gw.dir, 'keys/subject-keys'), masterKey, cacheMs: 0 });
  const key = await keys.get(API_KEY_ISSUER, sub);
  if (!key) throw new Error(`no subject key for ${sub}`);
  return { bytes: Buffer.byteLength(text, 'utf8'), commitment: commitContent(key.commitKey, text) };
}

export async function startFakes(): Promise<Fakes> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-provider-keys-'));
  const [openai, azure, compat, anthropic, bedrock, gemini, vertex] = await Promise.all([
    startFakeOpenAIPlatform(),
    startFakeOpenAIPlatform({ azure: { apiVersion: AZURE_API_VERSION } }),
    startFakeOpenAIPlatform({ rejectStreamOptions: true }),
    startFakeAnthropic(),
    startFakeBedrock('eu-central-1'),
    startFakeGemini(),
    startFakeGemini({ vertex: VERTEX }),
  ]);
  for (const [name, key] of Object.entries({ openai: OPENAI_FAKE_KEY, anthropic: ANTHROPIC_FAKE_KEY, bedrock: BEDROCK_SECRET_KEY, gemini: GEMINI_FAKE_KEY, vertex: VERTEX.token })) {
    writeFileSync(join(dir, `${name}.key`), `${key}\n`, { mode: 0o600 });
  }
  return {
    openai,
    azure,
    compat,
    anthropic,
    bedrock,
    gemini,
    vertex,
    dir,
    async close() {
      await Promise.all([openai, azure, compat, anthropic, bedrock, gemini, vertex].map((f) => f.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Provider entries for every fake, with quick timeouts. */
export function providerEntries(f: Fakes): Record<string, unknown>[] {
  const key = (n: string): string => join(f.dir, `${n}.key`);
  const t = { timeout_ms: 5000 };
  return [
    { name: 'openai', type: 'openai', base_url: f.openai.baseUrl, api_key_file: key('openai'), ...t },
    { name: 'azure', type: 'azure', base_url: f.azure.baseUrl, api_version: AZURE_API_VERSION, api_key_file: key('openai'), ...t },
    { name: 'compat', type: 'openai-compatible', base_url: f.compat.baseUrl, api_key_file: key('openai'), stream_usage: false, ...t },
    { name: 'anthropic', type: 'anthropic', base_url: f.anthropic.baseUrl, api_key_file: key('anthropic'), ...t },
    { name: 'bedrock', type: 'bedrock', base_url: f.bedrock.baseUrl, region: f.bedrock.region, access_key_id: BEDROCK_ACCESS_KEY_ID, api_key_file: key('bedrock'), ...t },
    { name: 'gemini', type: 'gemini', base_url: f.gemini.baseUrl, api_key_file: key('gemini'), ...t },
    { name: 'vertex', type: 'vertex', base_url: f.vertex.baseUrl, project: VERTEX.project, region: VERTEX.region, token_file: key('vertex'), ...t },
  ];
}

/** One model per provider, named after it. */
export function modelEntries(): Record<string, unknown>[] {
  return [
    { name: 'gpt-native', provider: 'openai', upstream_model: 'gpt-4o-mini' },
    { name: 'azure-gpt', provider: 'azure', upstream_model: 'gpt4o-deployment' },
    { name: 'compat-llama', provider: 'compat', upstream_model: 'llama-3.1-8b' },
    { name: 'claude', provider: 'anthropic', upstream_model: 'claude-sonnet-4-5' },
    { name: 'bedrock-claude', provider: 'bedrock', upstream_model: BEDROCK_MODEL },
    { name: 'gemini-flash', provider: 'gemini', upstream_model: 'gemini-2.0-flash' },
    { name: 'vertex-flash', provider: 'vertex', upstream_model: 'gemini-2.0-flash' },
  ];
}

export async function startProviderGateway(f: Fakes, patch?: ConfigPatch): Promise<TestGateway> {
  return startTestGateway((c) => {
    (c['providers'] as unknown[]).push(...providerEntries(f));
    (c['models'] as unknown[]).push(...modelEntries());
    patch?.(c);
  });
}

/** The outcome record of a decision id (after the gateway has committed it). */
export function outcomeOf(gw: TestGateway, decisionId: string): AuditRecordV1 | undefined {
  return readGatewayRecords(gw).find((r) => r.decision_id === decisionId && r.phase === 'outcome');
}

/** Reads a whole SSE body into events. */
export function parseSse(text: string): { event?: string; data: string }[] {
  return text
    .split(/\n\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const ev: { event?: string; data: string } = { data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) ev.event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      ev.data = data.join('\n');
      return ev;
    });
}
