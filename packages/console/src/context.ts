// What every console route shares: the index, the ledger folder, sessions, the host's options, and the gate every route passes.
import type { IncomingMessage } from 'node:http';
import type { AuditConsoleAction } from '@palisade/audit-core';
import { consoleActionRecord } from './console-action.js';
import { ConsoleError } from './errors.js';
import type { IndexTailer } from './index-tailer.js';
import type { LedgerFolder } from './ledger-folder.js';
import type { ConsoleLogger, ConsoleOptions, ConsolePerson } from './options.js';
import type { RecordIndex } from './record-index.js';
import { sameSecret, sessionIdOf, type Session, type SessionStore } from './sessions.js';

export const AUDITOR = 'auditor';
export const CONTENT_READER = 'content-reader';

export interface ConsoleContext {
  options: ConsoleOptions;
  index: RecordIndex;
  folder: LedgerFolder;
  tailer: IndexTailer;
  sessions: SessionStore;
  clock: () => number;
  logger: ConsoleLogger | undefined;
  webDist: string;
}

/** The signed-in auditor's session; POST and DELETE must also carry its CSRF token. */
export function requireAuditor(ctx: ConsoleContext, req: IncomingMessage): Session {
  const session = ctx.sessions.get(sessionIdOf(req.headers.cookie));
  if (!session) throw new ConsoleError('CON_ERR_NO_SESSION');
  if (!session.person.roles.includes(AUDITOR)) throw new ConsoleError('CON_ERR_NOT_AUDITOR');
  if (req.method === 'POST' || req.method === 'DELETE') {
    const token = req.headers['x-csrf-token'];
    if (typeof token !== 'string' || !sameSecret(token, session.csrf)) throw new ConsoleError('CON_ERR_CSRF');
  }
  return session;
}

/**
 * Appends the record of a console action before the action's result is given: an action the
 * ledger cannot record is not done (503), as the gateway forwards nothing unaudited.
 */
export async function recordAction(ctx: ConsoleContext, req: IncomingMessage, person: ConsolePerson, action: AuditConsoleAction): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console');
  const record = consoleActionRecord(person, action, {
    hostId: ctx.options.hostId,
    route: url.pathname,
    nowMs: ctx.clock(),
    ...(req.socket.remoteAddress !== undefined ? { clientAddress: req.socket.remoteAddress } : {}),
  });
  try {
    await ctx.options.recordAction(record);
  } catch (cause) {
    throw new ConsoleError('CON_ERR_AUDIT_UNAVAILABLE', { cause });
  }
}
