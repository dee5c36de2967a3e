// The policy stage's public API: bundle reading and verification, the WASM policy engine, the
// policy service that keeps bundles current, and the decision contract.
export { readBundle, assembleBundle, DEFAULT_BUNDLE_LIMITS, type BundleLimits, type PolicyBundle } from './bundle-reader.js';
export { readBundleDirectory } from './bundle-directory.js';
export { parseManifest, bundleName, type BundleManifest } from './bundle-manifest.js';
export { bundleFileDigest, isStructuredDoc } from './bundle-file-hash.js';
export {
  verifyBundleSignature,
  SIGNATURES_FILE,
  SIGNING_ALGORITHMS,
  type BundleVerification,
  type SignatureCheck,
  type SigningAlgorithm,
  type VerificationKey,
} from './bundle-signature.js';
export { resolveVerification, type ResolvedVerification } from './verification-keys.js';
export { DEVELOPMENT_KEY_ID, DEVELOPMENT_PUBLIC_KEY_PEM, DEVELOPMENT_SCOPE } from './development-key.js';
export {
  createPolicyEngine,
  DEFAULT_EVALUATION_LIMITS,
  DEFAULT_POLICY_MEMORY,
  STEPS_PER_DEADLINE_MS,
  type PolicyEngine,
  type PolicyEngineOptions,
  type PolicyEvaluationLimits,
  type PolicyMemoryOptions,
} from './engine.js';
export { serialisePolicyInput, SerialisedInput } from './policy-input-json.js';
export { startPolicyService, type BundleSlotStatus, type PolicyService, type PolicyServiceDeps, type PolicyServiceStatus } from './policy-service.js';
export { LONG_POLLING_CONTENT_TYPE } from './bundle-source-http.js';
export { instrumentFuel, FUEL_EXPORT } from './wasm-fuel.js';
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
  type ShadowResult,
} from './types.js';
