// Public API of @palisade/audit-core: canonical JSON, RFC 9162 Merkle trees, C2SP tiles, notes and checkpoints, the audit record.
export { CodedError, isCodedError, type CodedErrorOptions } from './coded-error.js';
export { schemaAjv, type SchemaChecking } from './json-schema.js';
export { AuditCoreError, CORE_ERRORS, isAuditCoreError, type CoreErrorCode, type CoreErrorOptions } from './errors.js';
export { bytesEqual, fromBase64Strict, toBase64, toHex } from './bytes.js';
export { canonicalBytes, canonicalJson, isCanonicalJson } from './canonical-json.js';
export { EMPTY_ROOT, HASH_SIZE, foldRight, leafHash, nodeHash, perfectSubtreeHash } from './merkle-hash.js';
export { popcount, splitPoint, splitStoredHashIndex, storedHashCount, storedHashIndex } from './stored-hash-index.js';
export {
  consistencyProofIndexes,
  inclusionProofIndexes,
  proveConsistency,
  proveInclusion,
  treeHash,
  treeHashIndexes,
  type AsyncHashReader,
  type HashReader,
} from './merkle-proofs.js';
export { verifyConsistency, verifyInclusion } from './merkle-verify.js';
export { MerkleTree } from './merkle-tree.js';
export {
  TILE_HEIGHT,
  TILE_WIDTH,
  decodeTile,
  encodeTile,
  entriesPath,
  levelHashCount,
  locateStoredHash,
  tileCounts,
  tileLevelCount,
  tilePath,
  type TileHashLocation,
} from './tile-layout.js';
export { MAX_ENTRY_SIZE, decodeEntryBundle, encodeEntryBundle } from './entry-bundle.js';
export { TileFrontier, type TileHashes } from './tile-frontier.js';
export { TileSubtrees } from './tile-subtrees.js';
export {
  ALG_ED25519,
  generateNoteKey,
  isValidKeyName,
  noteKeyHash,
  parseSigner,
  parseVerifier,
  type NoteSigner,
  type NoteVerifier,
} from './note-keys.js';
export { openNote, signNote, type NoteSignature, type OpenedNote } from './signed-note.js';
export { formatCheckpoint, openCheckpoint, parseCheckpoint, type Checkpoint, type CheckpointInput } from './checkpoint.js';
export type {
  AuditClassification,
  AuditConsoleAction,
  AuditConsoleActionName,
  AuditContent,
  AuditContentCommitment,
  AuditContentMode,
  AuditLimits,
  AuditRedaction,
  AuditOutcome,
  AuditPhase,
  AuditPolicy,
  AuditPrincipal,
  AuditRecordV1,
  AuditRequest,
  AuthMethod,
} from './audit-record.js';
export { auditRecordSchema, type JsonSchema } from './audit-record-schema.js';
export { newUuidV7, uuidV7Time } from './uuid-v7.js';
export { FRAME_HEADER_SIZE, MAX_FRAME_PAYLOAD, encodeFrames, scanFrames, type FrameTail, type ScannedFrames } from './framed-records.js';
export { TLOG_PROOF_HEADER, formatTlogProof, parseTlogProof, verifyTlogProof, type TlogProof, type VerifiedTlogProof } from './tlog-proof.js';
export { SUBJECT_SECRET_SIZE, commitContent, deriveSubjectKeys, seal, unseal, type Sealed, type SubjectKeys } from './content-crypto.js';
