// Reads the decision records of a ledger for `palisade policy replay`: every log folder (C2SP
// tlog-tiles layout) up to the size its checkpoint names, entry bundle by entry bundle, so a
// large ledger is streamed rather than loaded whole. Integrity is `palisade-audit verify`'s job.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TILE_WIDTH, decodeEntryBundle, entriesPath, type AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError } from '../errors.js';

export interface LedgerLog {
  dir: string;
  size: number;
}

function invalid(detail: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_ERR_LEDGER_UNREADABLE', cause === undefined ? { detail } : { detail, cause });
}

async function checkpointSize(dir: string): Promise<number> {
  const text = await readFile(join(dir, 'checkpoint'), 'utf8').catch((err: unknown) => {
    throw invalid(`${dir}: cannot read the checkpoint.`, err);
  });
  const size = Number(text.split('\n')[1]);
  if (!Number.isSafeInteger(size) || size < 0) throw invalid(`${dir}/checkpoint: the second line is not a tree size.`);
  return size;
}

/** `path` is one log folder (it holds a checkpoint) or a ledger whose subfolders are logs. */
export async function findLogs(path: string): Promise<LedgerLog[]> {
  if (!existsSync(path) || !statSync(path).isDirectory()) throw invalid(`${path} is not a directory.`);
  const dirs = existsSync(join(path, 'checkpoint'))
    ? [path]
    : readdirSync(path, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(path, d.name, 'checkpoint')))
        .map((d) => join(path, d.name))
        .sort();
  if (dirs.length === 0) throw invalid(`${path} holds no log (no checkpoint in it or in its subfolders).`);
  return Promise.all(dirs.map(async (dir) => ({ dir, size: await checkpointSize(dir) })));
}

/** Every record of `log`, in log order. */
export async function* readLogRecords(log: LedgerLog): AsyncGenerator<AuditRecordV1> {
  for (let k = 0; k * TILE_WIDTH < log.size; k++) {
    const width = Math.min(TILE_WIDTH, log.size - k * TILE_WIDTH);
    const file = join(log.dir, width === TILE_WIDTH ? entriesPath(k) : entriesPath(k, width));
    const bytes = await readFile(file).catch((err: unknown) => {
      throw invalid(`${file} cannot be read.`, err);
    });
    for (const entry of decodeEntryBundle(bytes)) {
      let record: unknown;
      try {
        record = JSON.parse(Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength).toString('utf8'));
      } catch (err) {
        throw invalid(`${file} holds an entry that is not JSON.`, err);
      }
      if (record === null || typeof record !== 'object') throw invalid(`${file} holds an entry that is not a record.`);
      yield record as AuditRecordV1;
    }
  }
}
