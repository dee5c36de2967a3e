// Verifies a bundle's `.signatures.json` by OPA's rules (v1/bundle/verify.go and the bundle
// reader): exactly one JWT, the key chosen by configured id, else the token's `kid`, else its
// `keyid` claim; the algorithm pinned by the key, never by the token; scopes equal; and every
// file of the bundle listed with a matching digest, no file missing and none extra.
import type { KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { GatewayError, type ErrorCode } from '../errors.js';
import { bundleFileDigest, CanonicalJsonError, isSupportedHashAlgorithm, WEAK_ALGORITHMS } from './bundle-file-hash.js';
import { thrownMessage } from './thrown-message.js';

export const SIGNATURES_FILE = '.signatures.json';

/** JWS algorithms a bundle key may use (OPA also allows HMAC secrets, which a gateway should not hold). */
export const SIGNING_ALGORITHMS = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const);
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];
/** The algorithm of a verification key whose configuration names none. */
export const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = 'RS256';

export interface VerificationKey {
  id: string;
  algorithm: SigningAlgorithm;
  key: KeyObject;
  /** The key's scope (OPA `keys.<id>.scope`), used when the verification has none. */
  scope?: string;
}

export interface BundleVerification {
  keys: ReadonlyMap<string, VerificationKey>;
  /** OPA `signing.keyid`: when set, this key verifies every bundle, whatever the token names. */
  keyId?: string;
  /** OPA `signing.scope`: the scope the token must carry; when unset, the key's scope. */
  scope?: string;
}

/** What a verified signature vouches for, for logs, status and audit records. */
export interface SignatureCheck {
  key_id: string;
  algorithm: SigningAlgorithm;
  scope: string;
  files: number;
}

interface FileEntry {
  name: string;
  hash: string;
  algorithm: string;
}

function refuse(code: ErrorCode, detail: string, cause?: unknown): GatewayError {
  return new GatewayError(code, cause === undefined ? { detail } : { detail, cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function decodeText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function readToken(signatures: Uint8Array): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeText(signatures));
  } catch (err) {
    throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', `${SIGNATURES_FILE} is not valid JSON.`, err);
  }
  const list = isRecord(parsed) ? parsed['signatures'] : undefined;
  if (list !== undefined && !Array.isArray(list)) throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', `${SIGNATURES_FILE}: "signatures" must be an array.`);
  const tokens = (list ?? []) as unknown[];
  if (tokens.length === 0) throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', `${SIGNATURES_FILE}: missing JWT (expected exactly one).`);
  if (tokens.length > 1) throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', `${SIGNATURES_FILE}: multiple JWTs not supported (expected exactly one).`);
  const [token] = tokens;
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', `${SIGNATURES_FILE}: the signature is not a compact JWT.`);
  }
  return token;
}

/** Reads the claims before the signature is checked, only to find the key id (as OPA does). */
function unverifiedPayload(token: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch (err) {
    throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', 'The signature payload is not valid JSON.', err);
  }
  if (!isRecord(payload)) throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', 'The signature payload is not a JSON object.');
  return payload;
}

function chooseKeyId(token: string, payload: Record<string, unknown>, verification: BundleVerification): string {
  if (verification.keyId) return verification.keyId;
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch (err) {
    throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', 'The signature header is not valid.', err);
  }
  if (typeof kid === 'string' && kid !== '') return kid;
  const claimed = payload['keyid'];
  if (typeof claimed === 'string' && claimed !== '') return claimed;
  throw refuse('GW_ERR_BUNDLE_KEY_UNKNOWN', 'The signature names no key (no kid header, no keyid claim) and no key_id is configured.');
}

function fileEntries(payload: Record<string, unknown>): Map<string, FileEntry> {
  const files = payload['files'];
  if (!Array.isArray(files)) throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', 'The signature payload has no "files" list.');
  const entries = new Map<string, FileEntry>();
  for (const f of files as unknown[]) {
    if (!isRecord(f) || typeof f['name'] !== 'string' || typeof f['hash'] !== 'string' || typeof f['algorithm'] !== 'string') {
      throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', 'Every "files" entry must have string name, hash and algorithm.');
    }
    const entry: FileEntry = { name: f['name'], hash: f['hash'].toLowerCase(), algorithm: f['algorithm'] };
    if (entries.has(entry.name)) throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', `The signature lists "${entry.name.slice(0, 200)}" twice.`);
    if (WEAK_ALGORITHMS.includes(entry.algorithm)) {
      throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', `"${entry.name.slice(0, 200)}" is hashed with ${entry.algorithm}, which is too weak to trust; sign with SHA-256.`);
    }
    if (!isSupportedHashAlgorithm(entry.algorithm)) {
      throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', `"${entry.name.slice(0, 200)}" names the unsupported hash algorithm "${entry.algorithm.slice(0, 40)}".`);
    }
    entries.set(entry.name, entry);
  }
  return entries;
}

function checkFiles(files: ReadonlyMap<string, Uint8Array>, listed: Map<string, FileEntry>): void {
  const unlisted = new Map(listed);
  for (const [path, bytes] of files) {
    if (path === SIGNATURES_FILE) continue;
    const entry = unlisted.get(path);
    if (!entry) throw refuse('GW_ERR_BUNDLE_TAMPERED', `The file "${path.slice(0, 200)}" is not included in the bundle signature.`);
    let digest: string;
    try {
      digest = bundleFileDigest(path, bytes, entry.algorithm);
    } catch (err) {
      const why = err instanceof CanonicalJsonError ? err.message : thrownMessage(err);
      throw refuse('GW_ERR_BUNDLE_TAMPERED', `"${path.slice(0, 200)}" cannot be digested as OPA does: ${why}.`, err);
    }
    if (digest !== entry.hash) throw refuse('GW_ERR_BUNDLE_TAMPERED', `"${path.slice(0, 200)}": digest mismatch with the signature.`);
    unlisted.delete(path);
  }
  const [missing] = unlisted.keys();
  if (missing !== undefined) {
    throw refuse('GW_ERR_BUNDLE_TAMPERED', `The signature lists "${missing.slice(0, 200)}", which the bundle does not hold.`);
  }
}

/**
 * Verifies the bundle held in `files` (paths without a leading `/`). Throws a GatewayError with
 * a GW_ERR_BUNDLE_* code saying what is wrong; returns what the signature vouches for.
 */
export async function verifyBundleSignature(files: ReadonlyMap<string, Uint8Array>, verification: BundleVerification): Promise<SignatureCheck> {
  const signatures = files.get(SIGNATURES_FILE);
  if (signatures === undefined) throw refuse('GW_ERR_BUNDLE_UNSIGNED', `The bundle has no ${SIGNATURES_FILE}; only signed bundles are accepted.`);
  const token = readToken(signatures);
  const claims = unverifiedPayload(token);
  const keyId = chooseKeyId(token, claims, verification);
  const key = verification.keys.get(keyId);
  if (!key) throw refuse('GW_ERR_BUNDLE_KEY_UNKNOWN', `The bundle is signed with key "${keyId.slice(0, 100)}", which is not configured.`);

  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(token, key.key, { algorithms: [key.algorithm] });
    payload = unverifiedPayload(`.${Buffer.from(verified.payload).toString('base64url')}.`);
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', `The signature does not verify with key "${keyId.slice(0, 100)}" (${key.algorithm}): ${thrownMessage(err)}`, err);
  }

  const claimedScope = payload['scope'] ?? '';
  if (typeof claimedScope !== 'string') throw refuse('GW_ERR_BUNDLE_SIGNATURE_INVALID', 'The signature\'s "scope" claim must be a string.');
  const wantedScope = verification.scope || key.scope || '';
  if (claimedScope !== wantedScope) {
    throw refuse('GW_ERR_BUNDLE_SCOPE_MISMATCH', `The bundle is signed for scope "${claimedScope.slice(0, 100)}"; this gateway accepts scope "${wantedScope}".`);
  }

  const listed = fileEntries(payload);
  checkFiles(files, listed);
  return { key_id: keyId, algorithm: key.algorithm, scope: claimedScope, files: listed.size };
}
