// Public API of @palisade/ledger: tile-layout logs on disk and their journal, crash-safe files, signing key files, sealed content and subject keys, retention, readers and verification.
export { AUDIT_ERRORS, AuditError, isAuditError, type AuditErrorCode, type AuditErrorOptions } from './errors.js';
export { syncDir } from './sync-dir.js';
export { DurableFiles, type FileWrite } from './durable-files.js';
export {
  CHECKPOINT_FILE,
  VKEY_FILE,
  openTileLog,
  type AppendResult,
  type PublishedCheckpoint,
  type TileLog,
  type TileLogOptions,
  type TileLogStatus,
  type TornJournalTail,
} from './tile-log.js';
export { DAMAGED_JOURNAL_PREFIX, JOURNAL_FILE } from './journal-check.js';
export { RECOVERY_LOG_FILE, recoverJournal, type JournalRecovery } from './journal-recovery.js';
export { PRUNED_FILE } from './pruned-marker.js';
export { parseTileName, type TileName } from './tile-names.js';
export { loadNoteKey, loadOrCreateNoteKey } from './note-key-file.js';
export { createRecordValidator, type RecordCheck, type RecordValidator } from './record-validator.js';
export {
  verifyLedger,
  type LedgerProblem,
  type LogVerifyResult,
  type VerifyOptions,
  type VerifyProgress,
  type VerifyReport,
} from './verify-ledger.js';
export { DecisionIndex, isDecisionId, liveLedgerLog, openLogReader, type DecisionEntry, type LedgerLog, type RecordPhase } from './ledger-log.js';
export { pruneLog, type PruneResult } from './retention.js';
export { SubjectKeyStore, countSubjectKeys, eraseSubjectKey, subjectKeyFileName, type SubjectKey, type SubjectKeyStoreOptions } from './subject-key-store.js';
export { ContentStore, contentFilePath, type ContentPart } from './content-store.js';
