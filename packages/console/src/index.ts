// Public API of @palisade/console: the console handler both hosts mount, its index, the console's own action log, and evidence checking.
export { createConsole, isConsolePath, type AuditConsole } from './create-console.js';
export type { ConsoleLogger, ConsoleOptions, ConsolePerson, ConsoleStatus, ContentAccess, OidcSettings } from './options.js';
export { CONSOLE_ERRORS, ConsoleError, isConsoleError, type ConsoleErrorCode } from './errors.js';
export { RecordIndex } from './record-index.js';
export { IndexTailer, type TailResult } from './index-tailer.js';
export { LedgerFolder } from './ledger-folder.js';
export { verifyEvidence, type EvidenceReport } from './evidence-verify.js';
export { rebuildIndex } from './rebuild-index.js';
export { openActionLog, type ActionLog } from './action-log.js';
