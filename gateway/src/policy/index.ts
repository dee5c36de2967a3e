// The policy stage's public API: bundle reading, the WASM policy engine and the decision contract.
export { readBundle, DEFAULT_BUNDLE_LIMITS, type BundleLimits, type PolicyBundle } from './bundle-reader.js';
export { parseManifest, bundleName, type BundleManifest } from './bundle-manifest.js';
export { createPolicyEngine, DEFAULT_POLICY_MEMORY, type PolicyEngine, type PolicyEngineOptions, type PolicyMemoryOptions } from './engine.js';
export { checkPolicyInput, checkPolicyOutput, type InputCheck, type OutputCheck } from './contract-validators.js';
export { policyInputSchema, policyOutputSchema } from './schemas.js';
export {
  POLICY_ENTRYPOINTS,
  type BundleInfo,
  type PolicyEngineStatus,
  type PolicyError,
  type PolicyKind,
  type PolicyOutput,
  type PolicyReason,
  type PolicyResult,
} from './types.js';
