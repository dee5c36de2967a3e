// Holds the active policy bundle as an in-process WASM instance, swaps it only for a bundle that
// verified and loaded completely, and turns every evaluation into a decision that fails closed:
// bounded input, bounded work, a deadline, and a checked output shape.
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { GatewayError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { bundleName, loggableSource } from './bundle-manifest.js';
import { readBundle, type BundleLimits, type PolicyBundle } from './bundle-reader.js';
import { verifyBundleSignature, type BundleVerification } from './bundle-signature.js';
import { checkPolicyOutput } from './contract-validators.js';
import { serialisePolicyInput } from './policy-input-json.js';
import { thrownMessage } from './thrown-message.js';
import { FUEL_EXPORT, instrumentFuel, UNMETERED_FUEL } from './wasm-fuel.js';
import {
  POLICY_ENTRYPOINTS,
  type BundleInfo,
  type PolicyEngineStatus,
  type PolicyKind,
  type PolicyResult,
} from './types.js';

/** WASM memory in 64 KiB pages. The maximum bounds what one bundle and one input may use. */
export interface PolicyMemoryOptions {
  initialPages: number;
  maximumPages: number;
}

export const DEFAULT_POLICY_MEMORY: Readonly<PolicyMemoryOptions> = Object.freeze({
  initialPages: 5,
  maximumPages: 512,
});

/** Bounds on one evaluation; exceeding any of them denies. */
export interface PolicyEvaluationLimits {
  /** Largest serialised input evaluated. Cost grows ~20–30 µs per KiB (bench/policy.ts). */
  maxInputBytes: number;
  /** Wall time after which a finished evaluation still counts as timed out. */
  deadlineMs: number;
  /** Loop iterations and calls after which the WASM module is stopped mid-evaluation. */
  maxSteps: number;
}

/**
 * Measured on a 2-core VM: 100k–220k steps per millisecond once compiled; the example policy
 * spends ~3k steps per decision. 250k steps per millisecond of deadline stops runaway work at
 * about one to three deadlines, and the clock check denies anything slower that did finish.
 */
export const STEPS_PER_DEADLINE_MS = 250_000;

/**
 * The deadline is far above the ~15 µs a decision takes, so that a garbage-collection pause
 * inside an evaluation does not turn a legitimate request into a denial.
 */
export const DEFAULT_EVALUATION_LIMITS: Readonly<PolicyEvaluationLimits> = Object.freeze({
  maxInputBytes: 32 * 1024,
  deadlineMs: 500,
  maxSteps: 50 * STEPS_PER_DEADLINE_MS,
});

export interface PolicyEngineOptions {
  logger: Logger;
  /** Stamps `loaded_at`; injected so tests and replays control time. */
  clock?: () => Date;
  /** Monotonic milliseconds for the evaluation deadline (performance.now by default). */
  monotonic?: () => number;
  memory?: Partial<PolicyMemoryOptions>;
  limits?: Partial<BundleLimits>;
  evaluation?: Partial<PolicyEvaluationLimits>;
  /**
   * Signature verification for every bundle this engine loads. Without it signatures are not
   * checked at all (like `opa eval`): only for tools that verify elsewhere, and for tests;
   * startPolicyService always sets it.
   */
  verification?: BundleVerification;
  /**
   * Prepares what else a bundle carries (custom data classes in its data) before it activates.
   * Throwing refuses the bundle like any other defect; the returned function runs in the same
   * tick as the swap, so no request sees the new policy with the old companions or the reverse.
   */
  prepare?: (bundle: PolicyBundle) => (() => void) | undefined;
  /**
   * Waits, once a replacement bundle is verified and ready, until the other processes serving the
   * same port have it ready too (workers/bundle-barrier.ts), so that they switch together.
   * Rejecting refuses the bundle for now; the first bundle, with nothing to replace, never waits.
   */
  agree?: (bundle: { digest: string; revision: string }) => Promise<void>;
}

export interface PolicyEngine {
  /**
   * Reads, verifies, instantiates and activates a bundle archive. On any failure it throws a
   * GW_ERR_BUNDLE_* error and the bundle that was active stays active.
   */
  load(bytes: Uint8Array, source: string): Promise<BundleInfo>;
  /** As load, for a bundle already read (e.g. from a directory). */
  activate(bundle: PolicyBundle, source: string): Promise<BundleInfo>;
  /**
   * Never throws: anything that is not a valid decision comes back as a deny with `error`.
   * `input` must be a plain object (schemas/policy-input.schema.json describes it) or what
   * serialisePolicyInput made of one.
   */
  evaluate(kind: PolicyKind, input: unknown): PolicyResult;
  status(): PolicyEngineStatus;
  close(): Promise<void>;
}

/** The exported i32 global (a WebAssembly.Global) holding the fuel left. */
interface FuelCounter {
  value: number;
}

interface ActiveBundle {
  policy: LoadedPolicy;
  fuel: FuelCounter;
  info: BundleInfo;
}

const NO_REASONS: readonly [] = Object.freeze([]) as readonly [];

function denied(code: ErrorCode, message: string, entrypoint: string, bundle?: BundleInfo): PolicyResult {
  const result: PolicyResult = { allow: false, reasons: NO_REASONS, entrypoint, error: { code, message } };
  if (bundle) result.bundle = bundle;
  return result;
}

function fuelGlobal(policy: LoadedPolicy): FuelCounter | undefined {
  const instance: unknown = policy.wasmInstance;
  const exports: unknown = instance !== null && typeof instance === 'object' ? (instance as { exports?: unknown }).exports : undefined;
  const exported: unknown = exports !== null && typeof exports === 'object' ? (exports as Record<string, unknown>)[FUEL_EXPORT] : undefined;
  if (exported === null || typeof exported !== 'object' || typeof (exported as { value?: unknown }).value !== 'number') return undefined;
  return exported as FuelCounter;
}

/**
 * Inputs evaluated before a bundle goes live. V8 compiles WebAssembly functions when they first
 * run, so without this the first requests after a swap would pay for compilation and could
 * miss the deadline.
 */
const WARM_UP_INPUTS: readonly string[] = [
  '{}',
  JSON.stringify({
    principal: { sub: 'warm-up', iss: 'urn:palisade:warm-up', tenant: 'warm-up', roles: ['warm-up'], auth: 'api_key' },
    request: { api: 'openai.chat', route: '/v1/chat/completions', model: 'warm-up', stream: false, params: { temperature: 0 } },
    prompt: { messages: 1, roles: ['user'], chars: 1, estimated_tokens: 1 },
    classification: { labels: ['PII'], entities: { US_SSN: { count: 1, max_score: 1 } }, injection: { score: 0, detected: false, signals: [] } },
    context: { now: '2026-01-01T00:00:00.000Z', gateway_id: 'warm-up' },
  }),
];
const WARM_UP_ROUNDS = 3;

function warmUp(policy: LoadedPolicy, fuel: FuelCounter, maxSteps: number): void {
  const encoder = new TextEncoder();
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    for (const text of WARM_UP_INPUTS) {
      for (const entrypoint of Object.values(POLICY_ENTRYPOINTS)) {
        fuel.value = maxSteps;
        try {
          policy.evaluate(encoder.encode(text).buffer, entrypoint);
        } catch {
          // Only compilation matters here; the bundle's answers to made-up inputs do not.
        }
      }
    }
  }
}

async function instantiate(wasm: Uint8Array, data: Record<string, unknown>, memory: PolicyMemoryOptions, maxSteps: number): Promise<{ policy: LoadedPolicy; fuel: FuelCounter }> {
  let metered: Uint8Array;
  try {
    metered = instrumentFuel(wasm).wasm;
  } catch (err) {
    throw new GatewayError('GW_ERR_BUNDLE_INVALID', { detail: `policy.wasm cannot be instantiated: ${thrownMessage(err)}`, cause: err });
  }
  let policy: LoadedPolicy;
  try {
    policy = await loadPolicy(metered, { initial: memory.initialPages, maximum: memory.maximumPages });
  } catch (err) {
    throw new GatewayError('GW_ERR_BUNDLE_INVALID', { detail: `policy.wasm cannot be instantiated: ${thrownMessage(err)}`, cause: err });
  }
  const fuel = fuelGlobal(policy);
  if (!fuel) throw new GatewayError('GW_ERR_BUNDLE_INVALID', { detail: 'policy.wasm lost its fuel counter.' });
  const entrypoints: unknown = policy.entrypoints;
  for (const name of Object.values(POLICY_ENTRYPOINTS)) {
    if (entrypoints === null || typeof entrypoints !== 'object' || !Object.hasOwn(entrypoints, name)) {
      throw new GatewayError('GW_ERR_BUNDLE_INVALID', {
        detail: `policy.wasm has no entrypoint ${name}; build it with -e ${name}.`,
        data: { entrypoint: name },
      });
    }
  }
  try {
    fuel.value = UNMETERED_FUEL;
    policy.setData(data);
  } catch (err) {
    throw new GatewayError('GW_ERR_BUNDLE_INVALID', { detail: `data.json cannot be loaded into policy memory: ${thrownMessage(err)}`, cause: err });
  }
  warmUp(policy, fuel, maxSteps);
  return { policy, fuel };
}

export function createPolicyEngine(options: PolicyEngineOptions): PolicyEngine {
  const { logger } = options;
  const clock = options.clock ?? (() => new Date());
  const monotonic = options.monotonic ?? (() => performance.now());
  const memory: PolicyMemoryOptions = { ...DEFAULT_POLICY_MEMORY, ...options.memory };
  const deadlineMs = options.evaluation?.deadlineMs ?? DEFAULT_EVALUATION_LIMITS.deadlineMs;
  const limits: PolicyEvaluationLimits = {
    maxInputBytes: options.evaluation?.maxInputBytes ?? DEFAULT_EVALUATION_LIMITS.maxInputBytes,
    deadlineMs,
    maxSteps: Math.min(options.evaluation?.maxSteps ?? deadlineMs * STEPS_PER_DEADLINE_MS, UNMETERED_FUEL),
  };
  let active: ActiveBundle | undefined;
  let lastFailure: string | undefined;
  let closed = false;
  // Loads run one after another, so the bundle activated last is the one requested last.
  let loading: Promise<unknown> = Promise.resolve();

  async function activateNow(bundle: PolicyBundle, source: string): Promise<BundleInfo> {
    if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN', { detail: 'The policy engine is closed.' });
    const signature = options.verification ? await verifyBundleSignature(bundle.files, options.verification) : undefined;
    const { policy, fuel } = await instantiate(bundle.wasm, bundle.data, memory, limits.maxSteps);
    if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN', { detail: 'The policy engine is closed.' });
    const info: BundleInfo = {
      name: bundleName(bundle.manifest, source),
      revision: bundle.manifest.revision,
      digest: bundle.digest,
      loaded_at: clock().toISOString(),
    };
    if (signature) info.key_id = signature.key_id;
    const companions = options.prepare?.(bundle);
    if (active !== undefined && options.agree) {
      logger.info({ revision: bundle.manifest.revision, digest: bundle.digest }, 'policy bundle ready; waiting for the other workers to have it ready');
      await options.agree({ digest: bundle.digest, revision: bundle.manifest.revision });
      if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN', { detail: 'The policy engine is closed.' });
    }
    // One assignment: an evaluation sees either the old bundle or the new one, never a mix.
    active = { policy, fuel, info: Object.freeze(info) };
    companions?.();
    lastFailure = undefined;
    return active.info;
  }

  function serialised(work: () => Promise<BundleInfo>, source: string): Promise<BundleInfo> {
    const attempt = loading.then(work);
    loading = attempt.catch(() => undefined);
    return attempt.then(
      (info) => {
        logger.info({ bundle: info, source: loggableSource(source) }, 'policy bundle activated');
        return info;
      },
      (err: unknown) => {
        const code = err instanceof GatewayError ? err.code : 'GW_ERR_BUNDLE_INVALID';
        const detail = err instanceof GatewayError ? (err.detail ?? err.message) : thrownMessage(err);
        lastFailure = detail;
        logger.warn(
          { err_code: code, detail, source: loggableSource(source), active_revision: active?.info.revision },
          'policy bundle refused; the active bundle stays in force',
        );
        throw err instanceof GatewayError ? err : new GatewayError('GW_ERR_BUNDLE_INVALID', { detail, cause: err });
      },
    );
  }

  function load(bytes: Uint8Array, source: string): Promise<BundleInfo> {
    return serialised(async () => activateNow(await readBundle(bytes, options.limits), source), source);
  }

  function activate(bundle: PolicyBundle, source: string): Promise<BundleInfo> {
    return serialised(() => activateNow(bundle, source), source);
  }

  function evaluate(kind: PolicyKind, input: unknown): PolicyResult {
    const current = active;
    const entrypoint = POLICY_ENTRYPOINTS[kind] ?? String(kind);
    if (!current) return denied('GW_ERR_POLICY_NOT_LOADED', 'No policy bundle is loaded.', entrypoint);
    if (!Object.hasOwn(POLICY_ENTRYPOINTS, kind)) {
      return denied('GW_ERR_POLICY_ENTRYPOINT_MISSING', `There is no ${String(kind)} decision.`, entrypoint, current.info);
    }
    const serialisedInput = serialisePolicyInput(input);
    if (!serialisedInput.ok) return denied('GW_ERR_POLICY_EVAL', serialisedInput.message, entrypoint, current.info);
    const { json, bytes } = serialisedInput.input;
    if (bytes > limits.maxInputBytes) {
      return denied('GW_ERR_POLICY_INPUT_TOO_LARGE', `The policy input is ${bytes} bytes; the limit is ${limits.maxInputBytes}.`, entrypoint, current.info);
    }

    let resultSet: unknown;
    current.fuel.value = limits.maxSteps;
    const started = monotonic();
    try {
      resultSet = current.policy.evaluate(json, entrypoint);
    } catch (thrown) {
      if (current.fuel.value < 0) {
        return denied('GW_ERR_POLICY_TIMEOUT', `${entrypoint} was stopped after ${limits.maxSteps} steps.`, entrypoint, current.info);
      }
      const message = thrownMessage(thrown);
      // The SDK's only string error for a name it does not know; the load check makes it rare.
      const code: ErrorCode = message.startsWith('entrypoint ') && message.endsWith(' is not valid in this instance')
        ? 'GW_ERR_POLICY_ENTRYPOINT_MISSING'
        : 'GW_ERR_POLICY_EVAL';
      return denied(code, message, entrypoint, current.info);
    }
    const elapsed = monotonic() - started;
    const steps = limits.maxSteps - current.fuel.value;
    if (elapsed > limits.deadlineMs) {
      return { ...denied('GW_ERR_POLICY_TIMEOUT', `${entrypoint} took ${elapsed.toFixed(1)} ms; the deadline is ${limits.deadlineMs} ms.`, entrypoint, current.info), steps };
    }

    if (!Array.isArray(resultSet) || resultSet.length === 0) {
      return { ...denied('GW_ERR_POLICY_UNDEFINED', `${entrypoint} is undefined for this input.`, entrypoint, current.info), steps };
    }
    const first: unknown = resultSet[0];
    const value = first !== null && typeof first === 'object' ? (first as { result?: unknown }).result : undefined;
    const checked = checkPolicyOutput(value);
    if (!checked.ok) {
      return { ...denied('GW_ERR_POLICY_OUTPUT_INVALID', `${entrypoint}: ${checked.problem}.`, entrypoint, current.info), steps };
    }
    return { allow: checked.output.allow, reasons: checked.output.reasons, bundle: current.info, entrypoint, output: checked.output, steps };
  }

  function status(): PolicyEngineStatus {
    if (closed) return { ready: false, detail: 'The policy engine is closed.' };
    if (!active) {
      return { ready: false, detail: lastFailure ? `No policy bundle is loaded; the last load failed: ${lastFailure}` : 'No policy bundle is loaded.' };
    }
    const result: PolicyEngineStatus = { ready: true, bundle: active.info };
    if (lastFailure) result.detail = `The last bundle load failed (${lastFailure}); revision ${active.info.revision} stays active.`;
    return result;
  }

  async function close(): Promise<void> {
    closed = true;
    await loading;
    // Dropping the instance releases its WASM memory; nothing else holds resources.
    active = undefined;
  }

  return { load, activate, evaluate, status, close };
}
