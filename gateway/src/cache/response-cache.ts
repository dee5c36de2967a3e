// The exact-match response cache: decides per request whether an answer may be served from or
// kept in the cache (the policy's `cache` scope, determinism, Cache-Control), and turns a stored
// answer back into what a provider would have sent, streamed or whole.
import type { Registry } from 'prom-client';
import type { CacheConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { Principal } from '../identity/principal.js';
import type { PolicyOutput } from '../policy/types.js';
import type { ProviderResult, TokenUsage } from '../providers/types.js';
import type { SseEvent } from '../providers/sse.js';
import type { StreamReader } from '../pipeline/api/types.js';
import type { ComponentStatus } from '../health.js';
import { cacheKey, sha256Hex } from './cache-key.js';
import { createCacheMetrics } from './cache-metrics.js';
import type { CacheStore } from './cache-store.js';
import { anthropicMessagesReplay } from './anthropic-messages-replay.js';
import { openAIChatReplay } from './openai-chat-replay.js';
import type { ReplayCodec } from './replay-codec.js';

export interface CacheRequest {
  api: string;
  /** The model as the caller named it. */
  model: string;
  stream: boolean;
  /** The caller's body as sent. */
  body: Record<string, unknown>;
  /** The request's safe parameters (temperature decides determinism). */
  params: Record<string, unknown>;
  principal: Principal;
  /** The request policy's decision: `cache: {"scope": "tenant" | "user" | "none", "ttl_s"?: N}`. */
  output?: PolicyOutput;
  /** The policy bundle revision that decided. */
  revision: string;
  /** The caller's Cache-Control header. */
  cacheControl?: string | string[] | undefined;
}

export interface CachePlan {
  readonly key?: string;
  /** Hash of who may share the answer; checked again on every hit. */
  readonly scope?: string;
  /** Whether a stored answer may be served. */
  readonly lookup: boolean;
  /** Whether a fresh answer may be kept. */
  readonly store: boolean;
  readonly ttlMs: number;
  readonly api: string;
  readonly body: Record<string, unknown>;
}

export interface CacheLookup {
  /** A stored answer, in the form a provider returns (a stream for a streamed request). */
  hit?: ProviderResult;
  /** `x-palisade-cache: hit | miss | bypass`, and `age` on a hit. */
  headers: Record<string, string>;
}

export interface ResponseCache {
  plan(request: CacheRequest): CachePlan;
  /** Never rejects: a failing store is a miss. */
  lookup(plan: CachePlan): Promise<CacheLookup>;
  /** Keeps a whole answer (only 200s); failures are logged, never raised. */
  store(plan: CachePlan, status: number, body: unknown): void;
  /**
   * Passes a streamed answer through and keeps it once its final event arrives complete. `usage`
   * reads the provider's usage at that moment (the call's trace), for streams that did not carry it.
   */
  tap(plan: CachePlan, events: AsyncIterable<SseEvent>, reader: StreamReader, usage?: UsageSource): AsyncIterable<SseEvent>;
  status(): ComponentStatus;
  close(): Promise<void>;
}

/** The usage the provider reported for the call so far, if any. */
export type UsageSource = () => TokenUsage | undefined;

export interface ResponseCacheDeps {
  config: CacheConfig;
  /** Absent when the cache is off. */
  store?: CacheStore;
  clock: () => number;
  logger: Logger;
  registry: Registry;
  /** Replay codecs by API; defaults cover every API the gateway serves. */
  codecs?: Readonly<Record<string, ReplayCodec>>;
}

interface StoredAnswer {
  v: 1;
  scope: string;
  stored_at: number;
  body: unknown;
}

/** APIs whose streamed requests can be answered from the cache; others are cached when not streamed. */
const DEFAULT_CODECS: Readonly<Record<string, ReplayCodec>> = Object.freeze({ 'openai.chat': openAIChatReplay, 'anthropic.messages': anthropicMessagesReplay });

/** APIs whose answers do not depend on sampling: always deterministic enough to cache. */
const UNSAMPLED_APIS: ReadonlySet<string> = new Set(['openai.embeddings']);

const BYPASS_HEADERS = Object.freeze({ 'x-palisade-cache': 'bypass' });

function directives(header: string | string[] | undefined): Set<string> {
  const out = new Set<string>();
  if (header === undefined) return out;
  for (const h of Array.isArray(header) ? header : [header]) {
    for (const d of h.split(',')) out.add(d.trim().toLowerCase().split('=')[0] ?? '');
  }
  return out;
}

async function* replay(events: readonly SseEvent[]): AsyncGenerator<SseEvent> {
  yield* events;
}

export function createResponseCache(deps: ResponseCacheDeps): ResponseCache {
  const { config, store, clock, logger } = deps;
  const codecs = deps.codecs ?? DEFAULT_CODECS;
  const metrics = createCacheMetrics(deps.registry, () => store?.bytes());
  const off: CachePlan = Object.freeze({ lookup: false, store: false, ttlMs: 0, api: '', body: {} });
  let failing = false;

  const failed = (operation: string, err: unknown): void => {
    metrics[operation === 'get' ? 'lookups' : 'stores'].inc({ result: 'error' });
    if (!failing) logger.error({ err, backend: store?.backend, operation }, 'response cache unavailable; requests go to the provider');
    failing = true;
  };
  const worked = (): void => {
    if (failing) logger.info({ backend: store?.backend }, 'response cache available again');
    failing = false;
  };

  /** The policy's scope as a string only this principal (or tenant) produces, or undefined for none. */
  function scopeOf(req: CacheRequest): { scope?: string; ttlMs: number } {
    const raw = req.output?.cache;
    const none = { ttlMs: 0 };
    if (raw === undefined) return none;
    const scope = raw['scope'];
    const ttl = raw['ttl_s'];
    const valid =
      Object.keys(raw).every((k) => k === 'scope' || k === 'ttl_s') &&
      (scope === 'tenant' || scope === 'user' || scope === 'none') &&
      (ttl === undefined || (typeof ttl === 'number' && Number.isInteger(ttl) && ttl > 0));
    // The policy output schema already refuses other shapes (and denies); not caching is the safe answer regardless.
    if (!valid) return none;
    const ttlMs = Math.min(config.ttl_s, typeof ttl === 'number' ? ttl : Infinity) * 1000;
    const p = req.principal;
    // A principal without a tenant shares with nobody but itself.
    if (scope === 'tenant' && p.tenant !== undefined) return { scope: `tenant\u0000${p.tenant}`, ttlMs };
    if (scope === 'tenant' || scope === 'user') return { scope: `user\u0000${p.iss}\u0000${p.sub}`, ttlMs };
    return none;
  }

  function plan(req: CacheRequest): CachePlan {
    if (store === undefined) return off;
    const { scope, ttlMs } = scopeOf(req);
    if (scope === undefined) return off;
    const temperature = typeof req.params['temperature'] === 'number' ? req.params['temperature'] : 1;
    if (temperature > config.max_temperature && !UNSAMPLED_APIS.has(req.api)) return off;
    const codec = codecs[req.api];
    const cc = directives(req.cacheControl);
    let key: string;
    try {
      key = cacheKey({ api: req.api, model: req.model, body: req.body, revision: req.revision, redaction: req.output?.redact, scope });
    } catch {
      return off;
    }
    return {
      key,
      scope: sha256Hex(scope),
      // A streamed request can only be answered from the cache by a codec that re-streams answers.
      lookup: !cc.has('no-store') && !cc.has('no-cache') && (!req.stream || codec !== undefined),
      store: !cc.has('no-store') && (!req.stream || codec !== undefined),
      ttlMs,
      api: req.api,
      body: req.body,
    };
  }

  async function lookup(p: CachePlan): Promise<CacheLookup> {
    if (store === undefined || p.key === undefined) return { headers: {} };
    if (!p.lookup) {
      metrics.lookups.inc({ result: 'bypass' });
      return { headers: { ...BYPASS_HEADERS } };
    }
    let raw: string | undefined;
    try {
      raw = await store.get(p.key);
      worked();
    } catch (err) {
      failed('get', err);
      return { headers: { 'x-palisade-cache': 'miss' } };
    }
    const entry = raw === undefined ? undefined : parseEntry(raw);
    // The scope is inside the key already; checking it again means even a key collision cannot cross tenants.
    if (entry === undefined || entry.scope !== p.scope) {
      metrics.lookups.inc({ result: 'miss' });
      return { headers: { 'x-palisade-cache': 'miss' } };
    }
    const headers = { 'x-palisade-cache': 'hit', age: String(Math.max(0, Math.floor((clock() - entry.stored_at) / 1000))) };
    if (p.body['stream'] === true) {
      const events = codecs[p.api]?.events(entry.body, p.body);
      if (events === undefined) {
        metrics.lookups.inc({ result: 'miss' });
        return { headers: { 'x-palisade-cache': 'miss' } };
      }
      metrics.lookups.inc({ result: 'hit' });
      return { hit: { kind: 'stream', status: 200, events: replay(events) }, headers };
    }
    metrics.lookups.inc({ result: 'hit' });
    return { hit: { kind: 'json', status: 200, body: entry.body }, headers };
  }

  function parseEntry(raw: string): StoredAnswer | undefined {
    try {
      const v = JSON.parse(raw) as Partial<StoredAnswer> | null;
      if (v === null || typeof v !== 'object' || v.v !== 1 || typeof v.scope !== 'string' || typeof v.stored_at !== 'number' || v.body === undefined) return undefined;
      return v as StoredAnswer;
    } catch {
      return undefined;
    }
  }

  function keep(p: CachePlan, body: unknown): void {
    if (store === undefined || p.key === undefined || p.scope === undefined || !p.store) return;
    const value = JSON.stringify({ v: 1, scope: p.scope, stored_at: clock(), body } satisfies StoredAnswer);
    if (Buffer.byteLength(value, 'utf8') > config.max_entry_bytes) {
      metrics.stores.inc({ result: 'too_large' });
      return;
    }
    store.set(p.key, value, p.ttlMs).then(
      () => {
        worked();
        metrics.stores.inc({ result: 'stored' });
      },
      (err: unknown) => failed('set', err),
    );
  }

  async function* tapped(p: CachePlan, events: AsyncIterable<SseEvent>, reader: StreamReader, codec: ReplayCodec, usage: UsageSource | undefined): AsyncGenerator<SseEvent> {
    const chunks: unknown[] = [];
    let size = 0;
    let whole = true;
    for await (const ev of events) {
      if (reader.isFinal(ev)) {
        const body = whole ? codec.assemble(chunks) : undefined;
        if (body !== undefined && body['usage'] === undefined) {
          // Later requests sent whole, or streamed with usage, get the provider's usage from the cache too.
          const reported = usage?.();
          if (reported) codec.withUsage?.(body, reported);
        }
        if (body !== undefined) keep(p, body);
        else metrics.stores.inc({ result: whole ? 'incomplete' : 'too_large' });
      } else if (whole && reader.isJson(ev)) {
        size += ev.data.length;
        if (size > config.max_entry_bytes) {
          whole = false;
          chunks.length = 0;
        } else {
          try {
            chunks.push(JSON.parse(ev.data));
          } catch {
            // The pipeline ends a stream with a malformed event in error; such an answer is never kept.
            whole = false;
          }
        }
      }
      yield ev;
    }
  }

  return {
    plan,
    lookup,
    store(p, status, body) {
      if (status === 200) keep(p, body);
    },
    tap(p, events, reader, usage) {
      const codec = codecs[p.api];
      if (!p.store || codec === undefined) return events;
      return tapped(p, events, reader, codec, usage);
    },
    // The cache only saves work: when it fails, requests go to the provider, so it never makes the gateway unready.
    status: () => {
      const s = store?.status() ?? { ready: true, detail: 'off' };
      return s.ready ? s : { ready: true, detail: `${s.detail ?? 'unavailable'}; answers come from providers` };
    },
    close: () => store?.close() ?? Promise.resolve(),
  };
}
