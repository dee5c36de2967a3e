// The palisade-audit command: parses the command name, runs it, and turns errors into messages and exit codes.
import { isCodedError } from '@palisade/audit-core';
import { isAuditError } from '@palisade/ledger';
import { indexCommand, verifyEvidenceCommand } from './commands/console.js';
import { contentCommand, eraseCommand } from './commands/subjects.js';
import { pruneCommand } from './commands/prune.js';
import { receiptCommand, verifyReceiptCommand } from './commands/receipts.js';
import { recoverCommand } from './commands/recover.js';
import { consumeCommand, serveCommand } from './commands/serve.js';
import { UsageError } from './commands/usage.js';
import { verifyCommand } from './commands/verify.js';

const USAGE = `Usage:
  palisade-audit verify <dir> [--vkey KEY] [--previous CHECKPOINT]... [--state FILE] [--workers N]
                                   verify a log folder, or a ledger folder of logs
  palisade-audit consume --config FILE
                                   consume audit records from Kafka into the ledger (and serve it)
  palisade-audit serve <dir> --port PORT [--host HOST] [--vkey KEY]
        [--console --console-signing-key FILE (--console-keys FILE | --oidc-issuer URL --oidc-client-id ID
         --oidc-redirect-uri URL [--oidc-client-secret-file FILE] [--oidc-roles-claim PATH])
         [--console-index FILE] [--content-store DIR --subject-keys DIR --master-key FILE]]
                                   serve a ledger folder: tlog-tiles, proofs, receipts, and the audit console
  palisade-audit index rebuild <dir> [--index FILE] [--vkey KEY]
                                   rebuild the audit console's index from the ledger
  palisade-audit verify-evidence FILE [--vkey KEY]
                                   check an evidence package exported from the audit console, offline
  palisade-audit receipt --ledger DIR --decision-id ID [--phase decision|outcome] [--out FILE]
                                   write a decision's C2SP tlog-proof receipt
  palisade-audit verify-receipt RECEIPT --vkey KEY [--record FILE] [--origin ORIGIN]
                                   check a receipt offline with the log's verifier key
  palisade-audit erase --subject SUB --iss ISS --keys DIR
                                   destroy a subject's key: its kept content becomes unreadable
  palisade-audit content --ledger DIR --decision-id ID --store DIR --keys DIR --master-key FILE
                                   open the content a policy kept for a decision
  palisade-audit prune <dir> --before TIME
                                   remove entry bundles whose records are all older than TIME
  palisade-audit recover <log dir>
                                   after a log refused to open (AUD_ERR_JOURNAL_DAMAGED): keep the
                                   journal's intact prefix, keep the damaged file aside, record what
                                   was dropped in journal-recoveries.jsonl
`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  verify: verifyCommand,
  consume: consumeCommand,
  serve: serveCommand,
  receipt: receiptCommand,
  'verify-receipt': verifyReceiptCommand,
  erase: eraseCommand,
  content: contentCommand,
  prune: pruneCommand,
  recover: recoverCommand,
  index: indexCommand,
  'verify-evidence': verifyEvidenceCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(USAGE);
      return 0;
    }
    const run = command === undefined ? undefined : COMMANDS[command];
    if (!run) throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
    return await run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}`);
      return 2;
    }
    if (isAuditError(err) && err.code === 'AUD_ERR_CONFIG_INVALID') {
      const problems = Array.isArray(err.data?.problems) ? (err.data.problems as unknown[]) : [err.message];
      process.stderr.write(`${err.code}: the configuration is not valid:\n`);
      for (const p of problems) process.stderr.write(`  ${String(p)}\n`);
      return 2;
    }
    const code = isCodedError(err) ? `${err.code}: ` : '';
    process.stderr.write(`${code}${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
