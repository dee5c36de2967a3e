// Public API of @palisade/audit-consumer: tile-layout logs on disk, their signing keys, ledger verification, serving, receipts, erasure and the Kafka consumer.
export { AUDIT_ERRORS, AuditError, isAuditError, type AuditErrorCode, type AuditErrorOptions } from './errors.js';
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
export { loadVerifyState, saveVerifyState } from './verify-state.js';
export {
  startConsumer,
  type ConsumerCounters,
  type ConsumerHandle,
  type ConsumerOptions,
  type ConsumerStatus,
} from './kafka-consumer.js';
export { consumerConfigSchema, loadConsumerConfig, parseConsumerConfig, type ConsumerConfig, type LogLevel } from './consumer-config.js';
export { kafkaLevel, kafkaLogCreator } from './kafka-log.js';
export { DecisionIndex, isDecisionId, liveLedgerLog, openLogReader, type DecisionEntry, type LedgerLog, type RecordPhase } from './ledger-log.js';
export { startLedgerServer, type LedgerServer, type LedgerServerOptions } from './ledger-server.js';
export { pruneLog, type PruneResult } from './retention.js';
export { SubjectKeyStore, countSubjectKeys, eraseSubjectKey, subjectKeyFileName, type SubjectKey, type SubjectKeyStoreOptions } from './subject-key-store.js';
export { ContentStore, contentFilePath, type ContentPart } from './content-store.js';
