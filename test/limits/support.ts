// Helpers shared by the limits and cache tests: a gateway whose clock the test moves, the OpenAI
// client as callers use it, and readers for the ledger and /metrics.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { parseConfig, startGateway } from '@palisade/gateway';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { baseConfig, sha256, type ConfigPatch, readGatewayRecords, type TestGateway } from '../support/gateway.js';

/** A clock the test advances by hand; it starts at the real time so records look ordinary. */
export class ManualClock {
  now = Date.now();
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export const OTHER_TENANT_KEY = 'sk-test-other-tenant-0123456789';
export const SAME_TENANT_KEY = 'sk-test-colleague-0123456789';

/** Adds a caller in another tenant ("globex") and a second analyst in the same tenant ("acme"). */
export function addCallers(config: Record<string, unknown>): void {
  const keys = (config['identity'] as { api_keys: unknown[] }).api_keys;
  keys.push({ id: 'other', key_sha256: sha256(OTHER_TENANT_KEY), sub: 'someone@globex.example', tenant: 'globex', roles: ['analyst'], app: 'test-app' });
  keys.push({ id: 'colleague', key_sha256: sha256(SAME_TENANT_KEY), sub: 'colleague@example.com', tenant: 'acme', roles: ['analyst'], app: 'test-app' });
}

/** Adds an OpenAI-compatible provider at `baseUrl` serving `models`. */
export function addUpstream(config: Record<string, unknown>, baseUrl: string, models: string[]): void {
  (config['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: baseUrl, timeout_ms: 10_000 });
  for (const m of models) (config['models'] as unknown[]).push({ name: m, provider: 'upstream' });
}

/** startTestGateway, with an injected clock. */
export async function startClockedGateway(patch: ConfigPatch, clock?: ManualClock): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-limits-'));
  const config = baseConfig(dir);
  // Publish a checkpoint with every record, so tests can read records back as soon as a request ends.
  ((config['audit'] as Record<string, unknown>)['ledger'] as Record<string, unknown>)['checkpoint_every'] = 1;
  patch(config);
  // These tests are not about the policy's deadline; a loaded machine must not turn them into timeouts.
  const policy = config['policy'] as Record<string, unknown>;
  policy['evaluation'] = { deadline_ms: 2000, ...(policy['evaluation'] as Record<string, unknown> | undefined) };
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(line);
      cb();
    },
  });
  const loaded = parseConfig({ path: 'test-config.json', text: JSON.stringify(config), env: {} });
  const gateway = await startGateway(loaded, { logDestination: destination, ...(clock ? { clock: clock.read } : {}) });
  return {
    gateway,
    url: gateway.url,
    dir,
    ledgerDir: join(dir, 'ledger'),
    logs,
    async close() {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The official OpenAI client, without its automatic retries, so tests see every 429. */
export function openai(gw: TestGateway, key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
}

export function records(gw: TestGateway): AuditRecordV1[] {
  return readGatewayRecords(gw);
}

export function recordsOf(gw: TestGateway, decisionId: string): AuditRecordV1[] {
  return records(gw).filter((r) => r.decision_id === decisionId);
}

/** One sample of a Prometheus counter from /metrics, or 0 when absent. */
export async function metric(gw: TestGateway, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf('}'));
    const have = inner.split(',');
    if (want.every((w) => have.includes(w))) return Number(line.slice(line.indexOf('}') + 1).trim());
  }
  return 0;
}

export function logLines(gw: TestGateway): Record<string, unknown>[] {
  return gw.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The gateway's own pre-flight estimate of a text's tokens, which limits reserve. */
export { estimateTokens } from '../../gateway/src/tokens/estimate-tokens.js';

/** A chat request body of a known prompt size: `chars` characters of user text. */
export function chatBody(model: string, chars: number, extra: Record<string, unknown> = {}): { model: string; messages: { role: 'user'; content: string }[] } & Record<string, unknown> {
  return { model, messages: [{ role: 'user', content: 'x'.repeat(chars) }], ...extra };
}

export interface HeldStreamUpstream {
  baseUrl: string;
  /** Lets the held stream finish. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A provider speaking OpenAI's streaming format that sends `chunks` content events of `chunkText`,
 * then holds the stream open until release(): the test can look at the gateway while an answer is
 * still flowing.
 */
export async function startHeldStreamUpstream(chunks: number, chunkText: string): Promise<HeldStreamUpstream> {
  const { createServer } = await import('node:http');
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      void (async () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const base = { id: 'chatcmpl-held', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-held' };
        const send = (choices: unknown[]): void => {
          res.write(`data: ${JSON.stringify({ ...base, choices })}\n\n`);
        };
        send([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
        for (let i = 0; i < chunks; i++) send([{ index: 0, delta: { content: chunkText }, finish_reason: null }]);
        await held;
        send([{ index: 0, delta: {}, finish_reason: 'stop' }]);
        res.end('data: [DONE]\n\n');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    release: () => release(),
    close: () =>
      new Promise<void>((resolve) => {
        release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
