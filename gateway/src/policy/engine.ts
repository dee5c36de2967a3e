// Holds the active policy bundle as an in-process WASM instance, swaps it only for a bundle that
// loaded completely, and turns every evaluation into a decision that fails closed.
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { GatewayError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { bundleName, loggableSource } from './bundle-manifest.js';
import { readBundle, type BundleLimits } from './bundle-reader.js';
import { checkPolicyOutput } from './contract-validators.js';
import { thrownMessage } from './thrown-message.js';
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

export interface PolicyEngineOptions {
  logger: Logger;
  /** Stamps `loaded_at`; injected so tests and replays control time. */
  clock?: () => Date;
  memory?: Partial<PolicyMemoryOptions>;
  limits?: Partial<BundleLimits>;
}

export interface PolicyEngine {
  /**
   * Reads, instantiates and activates a bundle. On any failure it throws GW_ERR_BUNDLE_INVALID
   * and the bundle that was active stays active.
   */
  load(bytes: Uint8Array, source: string): Promise<BundleInfo>;
  /**
   * Never throws: anything that is not a valid decision comes back as a deny with `error`.
   * `input` must be a plain object (schemas/policy-input.schema.json describes it).
   */
  evaluate(kind: PolicyKind, input: unknown): PolicyResult;
  status(): PolicyEngineStatus;
  close(): Promise<void>;
}

interface ActiveBundle {
  policy: LoadedPolicy;
  info: BundleInfo;
}

const NO_REASONS: readonly [] = Object.freeze([]) as readonly [];

const OPEN_BRACE = 0x7b;
const encoder = new TextEncoder();

/**
 * Serialises the input here rather than in the SDK: the SDK treats falsy input as absent, and
 * the WASM side treats JSON text it cannot parse as no input at all, so a policy would decide on
 * nothing. Only text that opens a JSON object goes through. Returns undefined otherwise; throws
 * what JSON.stringify throws (cycles, BigInt).
 */
function serialiseInput(input: unknown): ArrayBuffer | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const text: unknown = JSON.stringify(input);
  if (typeof text !== 'string' || text.charCodeAt(0) !== OPEN_BRACE) return undefined;
  const bytes = encoder.encode(text);
  return bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
}

function denied(code: ErrorCode, message: string, entrypoint: string, bundle?: BundleInfo): PolicyResult {
  const result: PolicyResult = { allow: false, reasons: NO_REASONS, entrypoint, error: { code, message } };
  if (bundle) result.bundle = bundle;
  return result;
}

async function instantiate(wasm: Uint8Array, data: Record<string, unknown>, memory: PolicyMemoryOptions): Promise<LoadedPolicy> {
  let policy: LoadedPolicy;
  try {
    policy = await loadPolicy(wasm, { initial: memory.initialPages, maximum: memory.maximumPages });
  } catch (err) {
    throw new GatewayError('GW_ERR_BUNDLE_INVALID', { detail: `policy.wasm cannot be instantiated: ${thrownMessage(err)}`, cause: err });
  }
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
    policy.setData(data);
  } catch (err) {
    throw new GatewayError('GW_ERR_BUNDLE_INVALID', { detail: `data.json cannot be loaded into policy memory: ${thrownMessage(err)}`, cause: err });
  }
  return policy;
}

export function createPolicyEngine(options: PolicyEngineOptions): PolicyEngine {
  const { logger } = options;
  const clock = options.clock ?? (() => new Date());
  const memory: PolicyMemoryOptions = { ...DEFAULT_POLICY_MEMORY, ...options.memory };
  let active: ActiveBundle | undefined;
  let lastFailure: string | undefined;
  let closed = false;
  // Loads run one after another, so the bundle activated last is the one requested last.
  let loading: Promise<unknown> = Promise.resolve();

  async function activate(bytes: Uint8Array, source: string): Promise<BundleInfo> {
    if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN', { detail: 'The policy engine is closed.' });
    const bundle = await readBundle(bytes, options.limits);
    const policy = await instantiate(bundle.wasm, bundle.data, memory);
    if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN', { detail: 'The policy engine is closed.' });
    const info: BundleInfo = Object.freeze({
      name: bundleName(bundle.manifest, source),
      revision: bundle.manifest.revision,
      digest: bundle.digest,
      loaded_at: clock().toISOString(),
    });
    active = { policy, info };
    lastFailure = undefined;
    return info;
  }

  function load(bytes: Uint8Array, source: string): Promise<BundleInfo> {
    const attempt = loading.then(() => activate(bytes, source));
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

  function evaluate(kind: PolicyKind, input: unknown): PolicyResult {
    const current = active;
    const entrypoint = POLICY_ENTRYPOINTS[kind] ?? String(kind);
    if (!current) return denied('GW_ERR_POLICY_NOT_LOADED', 'No policy bundle is loaded.', entrypoint);
    if (!Object.hasOwn(POLICY_ENTRYPOINTS, kind)) {
      return denied('GW_ERR_POLICY_ENTRYPOINT_MISSING', `There is no ${String(kind)} decision.`, entrypoint, current.info);
    }
    let json: ArrayBuffer | undefined;
    try {
      json = serialiseInput(input);
    } catch (thrown) {
      return denied('GW_ERR_POLICY_EVAL', `The policy input cannot be serialised as JSON: ${thrownMessage(thrown)}`, entrypoint, current.info);
    }
    if (json === undefined) return denied('GW_ERR_POLICY_EVAL', 'The policy input must be a JSON object.', entrypoint, current.info);

    let resultSet: unknown;
    try {
      resultSet = current.policy.evaluate(json, entrypoint);
    } catch (thrown) {
      const message = thrownMessage(thrown);
      // The SDK's only string error for a name it does not know; the load check makes it rare.
      const code: ErrorCode = message.startsWith('entrypoint ') && message.endsWith(' is not valid in this instance')
        ? 'GW_ERR_POLICY_ENTRYPOINT_MISSING'
        : 'GW_ERR_POLICY_EVAL';
      return denied(code, message, entrypoint, current.info);
    }

    if (!Array.isArray(resultSet) || resultSet.length === 0) {
      return denied('GW_ERR_POLICY_UNDEFINED', `${entrypoint} is undefined for this input.`, entrypoint, current.info);
    }
    const first: unknown = resultSet[0];
    const value = first !== null && typeof first === 'object' ? (first as { result?: unknown }).result : undefined;
    const checked = checkPolicyOutput(value);
    if (!checked.ok) {
      return denied('GW_ERR_POLICY_OUTPUT_INVALID', `${entrypoint}: ${checked.problem}.`, entrypoint, current.info);
    }
    return { allow: checked.output.allow, reasons: checked.output.reasons, bundle: current.info, entrypoint, output: checked.output };
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

  return { load, evaluate, status, close };
}
