// The console's own log in the ledger folder (`console/`), for hosts with no audit sink of their own: each action is published under a signed checkpoint before it is answered.
import { join } from 'node:path';
import { canonicalBytes, type AuditRecordV1, type NoteSigner } from '@palisade/audit-core';
import { openTileLog, type TileLog } from '@palisade/ledger';

export const ACTION_LOG_NAME = 'console';

export interface ActionLog {
  append(record: AuditRecordV1): Promise<void>;
  close(): Promise<void>;
}

/** Opens (or creates) `<ledgerDir>/console`, signed with the ledger's key so `palisade-audit verify` checks it with the same verifier key. */
export async function openActionLog(options: { ledgerDir: string; origin: string; signer: NoteSigner }): Promise<ActionLog> {
  // checkpointEvery 1: every action is published with a checkpoint before append resolves, so the
  // console's index (which reads published checkpoints only) shows it at once.
  const log: TileLog = await openTileLog({ dir: join(options.ledgerDir, ACTION_LOG_NAME), origin: options.origin, signer: options.signer, checkpointEvery: 1 });
  return {
    async append(record) {
      await log.append([canonicalBytes(record)]);
    },
    close: () => log.close(),
  };
}
