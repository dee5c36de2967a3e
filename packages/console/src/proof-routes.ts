// Proofs for the browser to check itself: inclusion and consistency against the signed checkpoint, read from the ledger on every call.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toBase64 } from '@palisade/audit-core';
import { VKEY_FILE, isAuditError, type LedgerLog } from '@palisade/ledger';
import { requireAuditor, type ConsoleContext } from './context.js';
import { ConsoleError } from './errors.js';
import { sendJson } from './http-answers.js';

function count(text: string | null | undefined, name: string): number {
  if (text === null || text === undefined || !/^(0|[1-9]\d{0,15})$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: `"${name}" must be a non-negative integer.` });
  }
  return Number(text);
}

async function openLog(ctx: ConsoleContext, name: string): Promise<LedgerLog> {
  let log: LedgerLog | undefined;
  try {
    log = await ctx.folder.open(name);
  } catch (cause) {
    throw new ConsoleError('CON_ERR_LEDGER', { cause, detail: `Opening log ${name}.` });
  }
  if (!log) throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: `No log "${name}".` });
  return log;
}

/** A range mistake is the caller's; anything else the ledger's. */
function ledgerError(err: unknown): unknown {
  if (err instanceof ConsoleError) return err;
  if (err instanceof URIError) return new ConsoleError('CON_ERR_BAD_REQUEST', { cause: err, detail: 'The path is not valid percent-encoding.' });
  if (isAuditError(err) && err.code === 'AUD_ERR_INDEX_RANGE') return new ConsoleError('CON_ERR_BAD_REQUEST', { cause: err, detail: err.message });
  if (isAuditError(err) && err.code === 'AUD_ERR_ENTRY_PRUNED') return new ConsoleError('CON_ERR_NOT_FOUND', { cause: err, detail: err.message });
  return new ConsoleError('CON_ERR_LEDGER', { cause: err });
}

async function vkeyOf(ctx: ConsoleContext, log: LedgerLog): Promise<string> {
  if (ctx.options.vkey !== undefined) return ctx.options.vkey.trim();
  return (await readFile(join(log.dir, VKEY_FILE), 'utf8')).trim();
}

export async function proofRoutes(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const parts = url.pathname.split('/').slice(3);
  if (req.method !== 'GET' || !['proof', 'consistency', 'logs', 'checkpoints'].includes(parts[0] ?? '')) return false;
  requireAuditor(ctx, req);
  try {
    if (parts[0] === 'proof' && parts.length === 3) {
      const log = await openLog(ctx, decodeURIComponent(parts[1]!));
      const index = count(parts[2], 'index');
      const published = log.published();
      if (index >= published.size) throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: `Entry ${index} is not yet covered by the published checkpoint (size ${published.size}).` });
      const [entry, proof] = await Promise.all([log.readEntry(index), log.proveInclusion(index, published.size)]);
      sendJson(res, 200, { log: log.name, index, entry: toBase64(entry), tree_size: published.size, proof: proof.map(toBase64), checkpoint: published.note });
      return true;
    }
    if (parts[0] === 'consistency' && parts.length === 2) {
      const log = await openLog(ctx, decodeURIComponent(parts[1]!));
      const from = count(url.searchParams.get('from'), 'from');
      const published = log.published();
      if (from < 1 || from > published.size) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: `"from" must be 1 to ${published.size}.` });
      const proof = await log.proveConsistency(from, published.size);
      sendJson(res, 200, { old_size: from, new_size: published.size, proof: proof.map(toBase64), checkpoint: published.note });
      return true;
    }
    if (parts[0] === 'logs' && parts.length === 1) {
      const out = [];
      for (const log of await ctx.folder.openAll()) out.push({ log: log.name, size: log.published().size, checkpoint: log.published().note, vkey: await vkeyOf(ctx, log) });
      sendJson(res, 200, out);
      return true;
    }
    if (parts[0] === 'checkpoints' && parts.length === 2) {
      const name = decodeURIComponent(parts[1]!);
      if (!(await ctx.folder.names()).includes(name)) throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: `No log "${name}".` });
      sendJson(res, 200, ctx.index.checkpoints(name));
      return true;
    }
  } catch (err) {
    throw ledgerError(err);
  }
  throw new ConsoleError('CON_ERR_NOT_FOUND');
}
