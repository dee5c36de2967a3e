// A real gateway in embedded mode with the audit console mounted, its sign-in keys, and a small client for the console API.
import { sha256, startTestGateway, type ConfigPatch, type TestGateway } from '../support/gateway.js';

export const AUDITOR_KEY = 'sk-test-auditor-0123456789';
export const READER_KEY = 'sk-test-auditor-reader-0123456789';

/** A gateway whose identity config has an auditor and an auditor who may read content, and whose ledger publishes quickly. */
export function startConsoleGateway(patch?: ConfigPatch): Promise<TestGateway> {
  return startTestGateway((c) => {
    const identity = c['identity'] as { api_keys: unknown[] };
    identity.api_keys.push({ id: 'auditor', key_sha256: sha256(AUDITOR_KEY), sub: 'auditor@example.com', roles: ['auditor'] });
    identity.api_keys.push({ id: 'reader', key_sha256: sha256(READER_KEY), sub: 'reader@example.com', roles: ['auditor', 'content-reader'] });
    const audit = c['audit'] as { ledger: Record<string, unknown> };
    audit.ledger['checkpoint_interval_ms'] = 20;
    patch?.(c);
  });
}

export interface ConsoleSession {
  cookie: string;
  csrf: string;
  sub: string;
  setCookie: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  bytes: Buffer;
}

export async function call(
  base: string,
  path: string,
  options: { session?: ConsoleSession; method?: string; body?: unknown; csrf?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.session) headers['cookie'] = options.session.cookie;
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const csrf = options.csrf === undefined ? options.session?.csrf : options.csrf;
  if (method !== 'GET' && csrf !== null && csrf !== undefined) headers['x-csrf-token'] = csrf;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, redirect: 'manual', signal: AbortSignal.timeout(30_000), ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const bytes = Buffer.from(await res.arrayBuffer());
  let body: unknown = undefined;
  if ((res.headers.get('content-type') ?? '').startsWith('application/json')) body = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, headers: res.headers, body, bytes };
}

export async function signIn(base: string, apiKey: string): Promise<ConsoleSession> {
  const answer = await call(base, '/console/api/session', { body: { api_key: apiKey } });
  if (answer.status !== 200) throw new Error(`sign-in answered ${answer.status}: ${answer.bytes.toString('utf8')}`);
  const setCookie = answer.headers.get('set-cookie') ?? '';
  const body = answer.body as { csrf: string; sub: string };
  return { cookie: setCookie.split(';')[0]!, csrf: body.csrf, sub: body.sub, setCookie };
}

/** Sends one chat request to the gateway; answers the decision id. */
export async function chat(gatewayUrl: string, key: string, content: string): Promise<{ status: number; decisionId: string }> {
  const res = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content }] }),
  });
  await res.arrayBuffer();
  return { status: res.status, decisionId: res.headers.get('x-palisade-decision-id') ?? '' };
}

/** Retries `fn` until it returns a value, for records the ledger publishes on its own interval. */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}
