// Turns the `verification` section of the policy configuration into the keys and rules that
// bundle signatures are checked against; refuses keys that cannot be read or that do not fit
// their algorithm, at start-up rather than at the first bundle.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PolicyVerificationConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { BundleVerification, SigningAlgorithm, VerificationKey } from './bundle-signature.js';
import { DEFAULT_SIGNING_ALGORITHM, SIGNING_ALGORITHMS } from './bundle-signature.js';
import { DEVELOPMENT_KEY_ID, DEVELOPMENT_SCOPE } from './development-key.js';

export interface ResolvedVerification {
  verification: BundleVerification;
}

function configError(detail: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_ERR_CONFIG_INVALID', cause === undefined ? { detail } : { detail, cause });
}

const CURVES: Readonly<Record<string, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** The key type each algorithm needs; a mismatch would only fail later, at every bundle. */
function checkKeyFits(key: KeyObject, algorithm: SigningAlgorithm, where: string): void {
  const type = key.asymmetricKeyType;
  const fits = algorithm.startsWith('RS')
    ? type === 'rsa'
    : algorithm.startsWith('PS')
      ? type === 'rsa' || type === 'rsa-pss'
      : algorithm === 'EdDSA'
        ? type === 'ed25519' || type === 'ed448'
        : type === 'ec' && key.asymmetricKeyDetails?.namedCurve === CURVES[algorithm];
  if (!fits) throw configError(`${where}: a ${type ?? 'unknown'} key cannot verify ${algorithm} signatures.`);
}

function algorithmOf(value: string | undefined, where: string): SigningAlgorithm {
  const algorithm = value ?? DEFAULT_SIGNING_ALGORITHM;
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(algorithm)) throw configError(`${where}: unsupported algorithm "${algorithm}".`);
  return algorithm as SigningAlgorithm;
}

function loadKey(id: string, file: string, algorithmName: string | undefined, scope: string | undefined, where: string, readFile: (path: string) => string): VerificationKey {
  const algorithm = algorithmOf(algorithmName, where);
  let pem: string;
  try {
    pem = readFile(file);
  } catch (err) {
    throw configError(`${where}: cannot read ${file}.`, err);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw configError(`${where}: ${file} holds no PEM public key or certificate.`, err);
  }
  checkKeyFits(key, algorithm, where);
  const out: VerificationKey = { id, algorithm, key };
  if (scope !== undefined) out.scope = scope;
  return out;
}

/**
 * Resolves `config` (a policy or shadow `verification` section, at `where` in the config). The
 * section is required: the development key's private half is public, so trusting it implicitly
 * would let anyone sign a bundle for a gateway whose operator forgot to configure a key.
 */
export function resolveVerification(
  config: PolicyVerificationConfig | undefined,
  where: string,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ResolvedVerification {
  if (config === undefined) {
    throw configError(
      `${where}: a verification section is required (bundles are accepted only with a valid signature); ` +
        `for the development bundle use { "public_key_file": "config/dev-keys/bundle-signing.pub.pem", "key_id": "${DEVELOPMENT_KEY_ID}", "scope": "${DEVELOPMENT_SCOPE}" }.`,
    );
  }
  const keys = new Map<string, VerificationKey>();
  if (config.public_key_file !== undefined) {
    if (config.key_id === undefined) throw configError(`${where}: public_key_file needs a key_id.`);
    keys.set(config.key_id, loadKey(config.key_id, config.public_key_file, config.algorithm, undefined, where, readFile));
  }
  for (const [i, k] of (config.keys ?? []).entries()) {
    if (keys.has(k.id)) throw configError(`${where}/keys/${i}: duplicate key id "${k.id}".`);
    keys.set(k.id, loadKey(k.id, k.public_key_file, k.algorithm, k.scope, `${where}/keys/${i}`, readFile));
  }
  if (keys.size === 0) throw configError(`${where}: give public_key_file and key_id, or keys.`);
  const verification: BundleVerification = { keys };
  // key_id pins the key whatever the token names, as `opa build --verification-key-id` does.
  const pinned = config.key_id;
  if (pinned !== undefined) {
    if (!keys.has(pinned)) throw configError(`${where}/key_id: no key "${pinned}" is configured.`);
    verification.keyId = pinned;
  }
  if (config.scope !== undefined) verification.scope = config.scope;
  return { verification };
}
