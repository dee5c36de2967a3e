// Keeps the gateway's policy current: loads the configured bundle (file, directory or bundle
// server), verifies its signature, polls for new ones, and swaps them in atomically. Errors back
// off and never clear the active bundle; a shadow bundle, when configured, is kept the same way.
import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import type { PolicyBundleConfig, PolicyConfig } from '../config/schema.js';
import { DOWNLOAD_TIMEOUT_MS } from './config-schema.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { createFileBundleSource } from './bundle-source-file.js';
import { createHttpBundleSource } from './bundle-source-http.js';
import type { BundleSource } from './bundle-source.js';
import { createPolicyEngine, STEPS_PER_DEADLINE_MS, type PolicyEngine, type PolicyEngineOptions, type PolicyEvaluationLimits } from './engine.js';
import { createPolicyMetrics, type PolicyMetrics } from './policy-metrics.js';
import { createShadowedEngine } from './shadow-engine.js';
import { thrownMessage } from './thrown-message.js';
import type { PolicyEngineStatus } from './types.js';
import { resolveVerification, type ResolvedVerification } from './verification-keys.js';

export interface PolicyServiceDeps {
  logger: Logger;
  fetch?: typeof fetch;
  /** Wall clock in milliseconds, for `loaded_at`. */
  clock?: () => number;
  /** Where the policy metrics are registered; none when omitted. */
  metrics?: Registry;
  /** Monotonic milliseconds for evaluation deadlines (performance.now by default). */
  monotonic?: () => number;
  /** Called for each bundle the enforced slot is about to activate (see PolicyEngineOptions.prepare). */
  prepare?: PolicyEngineOptions['prepare'];
  /** Agreement with the other workers before the enforced slot switches bundles (see PolicyEngineOptions.agree). */
  agree?: PolicyEngineOptions['agree'];
  /** Reads key and token files (fs by default). */
  readFile?: (path: string) => string;
}

export interface BundleSlotStatus extends PolicyEngineStatus {
  source: string;
  /** When the source was last checked successfully (RFC 3339). */
  last_check?: string;
  consecutive_failures: number;
  /** Why the last check failed (source unreachable, or bundle refused); cleared by a good check. */
  last_error?: { code: string; detail: string };
}

export interface PolicyServiceStatus extends BundleSlotStatus {
  shadow?: BundleSlotStatus;
}

export interface PolicyService {
  /** Evaluates with the active bundle (and the shadow one); swaps are atomic per evaluation. */
  engine: PolicyEngine;
  /** Ready once a verified bundle is active; for /readyz. */
  status(): PolicyServiceStatus;
  close(): Promise<void>;
}

/** First retry after a failure; doubles per consecutive failure up to the poll interval. */
const FIRST_RETRY_MS = 250;

interface Slot {
  role: 'enforced' | 'shadow';
  engine: PolicyEngine;
  source: BundleSource;
  verification: ResolvedVerification;
  failures: number;
  lastCheck?: string;
  lastError?: { code: string; detail: string };
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

function isHttp(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

function createSource(config: PolicyBundleConfig, where: string, deps: PolicyServiceDeps, readFile: (path: string) => string): BundleSource {
  if (!isHttp(config.bundle)) return createFileBundleSource(config.bundle);
  const download = config.download;
  let bearerToken: string | undefined;
  if (download?.bearer_token_file !== undefined) {
    try {
      bearerToken = readFile(download.bearer_token_file).trim();
    } catch (cause) {
      throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `${where}/download/bearer_token_file: cannot read ${download.bearer_token_file}.`, cause });
    }
  }
  return createHttpBundleSource({
    url: config.bundle,
    fetch: deps.fetch ?? globalThis.fetch,
    ...(bearerToken !== undefined ? { bearerToken } : {}),
    longPollingTimeoutS: download?.long_polling_timeout_s ?? 0,
    timeoutMs: download?.timeout_ms ?? DOWNLOAD_TIMEOUT_MS,
  });
}

/**
 * Starts the policy stage. Resolves once the first load attempt of each bundle has finished,
 * whether it succeeded or not: until a verified bundle is active, status() is not ready and every
 * evaluation denies with GW_ERR_POLICY_NOT_LOADED. Throws GW_ERR_CONFIG_INVALID for keys or token
 * files that cannot be used.
 */
export async function startPolicyService(config: PolicyConfig, deps: PolicyServiceDeps): Promise<PolicyService> {
  const logger = deps.logger;
  const readFile = deps.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const clock = deps.clock ?? Date.now;
  const metrics: PolicyMetrics = createPolicyMetrics(deps.metrics);
  const evaluation: PolicyEvaluationLimits = {
    maxInputBytes: config.evaluation.max_input_bytes,
    deadlineMs: config.evaluation.deadline_ms,
    maxSteps: config.evaluation.max_steps ?? Math.min(Math.round(config.evaluation.deadline_ms * STEPS_PER_DEADLINE_MS), 0x7fffffff),
  };
  const abort = new AbortController();
  let closed = false;

  function makeSlot(role: Slot['role'], bundleConfig: PolicyBundleConfig, verificationConfig: PolicyBundleConfig['verification'], where: string): Slot {
    const verification = resolveVerification(verificationConfig, `${where}/verification`, readFile);
    const engine = createPolicyEngine({
      logger: logger.child({ component: 'policy', role }),
      clock: () => new Date(clock()),
      memory: { maximumPages: config.evaluation.memory_max_pages },
      evaluation,
      verification: verification.verification,
      ...(deps.monotonic ? { monotonic: deps.monotonic } : {}),
      // A shadow bundle is only compared, so its companions never replace the enforced ones.
      ...(deps.prepare && role === 'enforced' ? { prepare: deps.prepare } : {}),
      ...(deps.agree && role === 'enforced' ? { agree: deps.agree } : {}),
    });
    const source = createSource(bundleConfig, where, deps, readFile);
    return { role, engine, source, verification, failures: 0 };
  }

  async function checkOnce(slot: Slot): Promise<'changed' | 'unchanged' | 'failed'> {
    let result;
    try {
      result = await slot.source.check(abort.signal);
    } catch (err) {
      if (closed) return 'unchanged';
      slot.source.failed();
      slot.failures++;
      metrics.bundleLoads.inc({ role: slot.role, result: 'unavailable' });
      const code = err instanceof GatewayError ? err.code : 'GW_ERR_BUNDLE_UNAVAILABLE';
      const detail = err instanceof GatewayError ? (err.detail ?? err.message) : thrownMessage(err);
      slot.lastError = { code, detail };
      logger.warn(
        { component: 'policy', role: slot.role, err_code: code, detail, source: slot.source.description, consecutive_failures: slot.failures, active_revision: slot.engine.status().bundle?.revision },
        'policy bundle source check failed; the active bundle stays in force',
      );
      return 'failed';
    }
    slot.lastCheck = new Date(clock()).toISOString();
    if (result.kind === 'unchanged') {
      slot.failures = 0;
      delete slot.lastError;
      return 'unchanged';
    }
    try {
      await slot.engine.activate(result.bundle, slot.source.description);
    } catch (err) {
      // The engine logged why; the old bundle stays active.
      const detail = err instanceof GatewayError ? (err.detail ?? err.message) : thrownMessage(err);
      slot.lastError = { code: err instanceof GatewayError ? err.code : 'GW_ERR_BUNDLE_INVALID', detail };
      slot.source.failed();
      slot.failures++;
      metrics.bundleLoads.inc({ role: slot.role, result: 'refused' });
      return 'failed';
    }
    slot.source.accepted(result);
    slot.failures = 0;
    delete slot.lastError;
    metrics.bundleLoads.inc({ role: slot.role, result: 'activated' });
    return 'changed';
  }

  function nextDelay(slot: Slot, outcome: 'changed' | 'unchanged' | 'failed'): number {
    if (outcome === 'failed') {
      const backoff = Math.min(FIRST_RETRY_MS * 2 ** (slot.failures - 1), Math.max(config.poll_interval_ms, FIRST_RETRY_MS));
      return backoff * (0.8 + Math.random() * 0.4);
    }
    if (slot.source.holdsRequests()) return 0;
    // Jitter spreads the polls of many gateways sharing one bundle server.
    return config.poll_interval_ms * (0.9 + Math.random() * 0.2);
  }

  function schedule(slot: Slot, delay: number): void {
    if (closed) return;
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      slot.running = run(slot);
    }, delay);
    slot.timer.unref();
  }

  async function run(slot: Slot): Promise<void> {
    const outcome = await checkOnce(slot);
    // poll_interval_ms 0 loads once; failures are still retried until the first bundle is active.
    if (config.poll_interval_ms === 0 && outcome !== 'failed' && slot.engine.status().ready) return;
    schedule(slot, nextDelay(slot, outcome));
  }

  const enforced = makeSlot('enforced', config, config.verification, '/policy');
  const shadow = config.shadow ? makeSlot('shadow', config.shadow, config.shadow.verification ?? config.verification, '/policy/shadow') : undefined;
  const slots = shadow ? [enforced, shadow] : [enforced];

  for (const slot of slots) slot.running = run(slot);
  await Promise.all(slots.map((s) => s.running));

  function slotStatus(slot: Slot): BundleSlotStatus {
    const out: BundleSlotStatus = {
      ...slot.engine.status(),
      source: slot.source.description,
      consecutive_failures: slot.failures,
    };
    if (slot.lastCheck !== undefined) out.last_check = slot.lastCheck;
    if (slot.lastError !== undefined) out.last_error = slot.lastError;
    return out;
  }

  const engine = shadow ? createShadowedEngine(enforced.engine, shadow.engine, metrics) : enforced.engine;

  return {
    engine,
    status() {
      const out: PolicyServiceStatus = slotStatus(enforced);
      if (shadow) out.shadow = slotStatus(shadow);
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      abort.abort();
      for (const slot of slots) clearTimeout(slot.timer);
      await Promise.all(slots.map((s) => s.running));
      await engine.close();
    },
  };
}
