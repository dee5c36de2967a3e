// Public types of the policy stage: the decision a bundle returns and what the engine reports.
import type { ErrorCode } from '../errors.js';

/** Which decision is asked for: before the prompt leaves, or before the answer returns. */
export type PolicyKind = 'request' | 'response';

/** The entrypoint each kind evaluates; every bundle must compile both. */
export const POLICY_ENTRYPOINTS: Readonly<Record<PolicyKind, string>> = Object.freeze({
  request: 'palisade/request/decision',
  response: 'palisade/response/decision',
});

export interface PolicyReason {
  /** Stable snake_case code chosen by the policy author, e.g. `pii_requires_pii_reader`. */
  code: string;
  message: string;
}

/** A decision as the policy returns it; schemas/policy-output.schema.json is the contract. */
export interface PolicyOutput {
  allow: boolean;
  reasons: PolicyReason[];
  status?: number;
  /**
   * What to redact: an operator per entity type (`"*"` for every other type), or a list of types
   * to replace with placeholders. Prompt for a request decision, answer for a response decision.
   */
  redact?: string[] | Record<string, 'placeholder' | 'mask' | 'hash' | 'remove'>;
  /** Where the request must go: a configured model and/or provider, or a region. */
  route?: { model?: string; provider?: string; region?: string };
  audit?: Record<string, unknown>;
  cache?: Record<string, unknown>;
  limits?: Record<string, unknown>;
  headers?: Record<string, string>;
  obligations?: unknown[];
}

/** Identifies the bundle that decided, for audit records and readiness. */
export interface BundleInfo {
  name: string;
  /** The manifest's revision (our builds use `sha256:` of the policy sources). */
  revision: string;
  /** `sha256:<hex>` of the archive bytes as loaded. */
  digest: string;
  /** When this engine activated the bundle (RFC 3339). */
  loaded_at: string;
  /** The key that signed the bundle; absent only for engines configured without verification. */
  key_id?: string;
}

export interface PolicyError {
  code: ErrorCode;
  message: string;
}

/**
 * The outcome of one evaluation. `allow` is false whenever `error` is set: anything the engine
 * cannot decide denies.
 */
export interface PolicyResult {
  allow: boolean;
  reasons: readonly PolicyReason[];
  /** Absent only when no bundle is loaded. */
  bundle?: BundleInfo;
  entrypoint: string;
  /** The policy's whole decision (obligations included) when it was valid. */
  output?: PolicyOutput;
  error?: PolicyError;
  /** WASM work units the evaluation spent (loop iterations and calls), when it ran. */
  steps?: number;
  /** The candidate bundle's decision on the same input, when a shadow bundle is configured. */
  shadow?: ShadowResult;
}

/** A shadow (candidate) bundle's decision: recorded and counted, never enforced. */
export interface ShadowResult {
  bundle: BundleInfo;
  allow: boolean;
  reasons: readonly PolicyReason[];
  /** Whether allow or the set of reason codes differs from the enforced decision. */
  differs: boolean;
  error?: PolicyError;
}

export interface PolicyEngineStatus {
  ready: boolean;
  bundle?: BundleInfo;
  detail?: string;
}
