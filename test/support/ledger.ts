// Reads audit records back from a log folder in the C2SP tlog-tiles layout, as an auditor's
// script would: the checkpoint's size, then the entry bundles covering it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TILE_WIDTH, decodeEntryBundle, entriesPath, type AuditRecordV1 } from '@palisade/audit-core';

/** Tree size from the checkpoint's second line (the signature is checked by verify, not here). */
export function checkpointSize(logDir: string): number {
  const lines = readFileSync(join(logDir, 'checkpoint'), 'utf8').split('\n');
  return Number(lines[1]);
}

/** Paths of the entry bundles that hold the first `size` entries. */
export function entryBundleFiles(logDir: string, size = checkpointSize(logDir)): string[] {
  const files: string[] = [];
  for (let k = 0; k * TILE_WIDTH < size; k++) {
    const width = Math.min(TILE_WIDTH, size - k * TILE_WIDTH);
    files.push(join(logDir, width === TILE_WIDTH ? entriesPath(k) : entriesPath(k, width)));
  }
  return files;
}

export function readLedgerRecords(logDir: string): AuditRecordV1[] {
  if (!existsSync(join(logDir, 'checkpoint'))) return [];
  const out: AuditRecordV1[] = [];
  for (const file of entryBundleFiles(logDir)) {
    for (const entry of decodeEntryBundle(readFileSync(file))) out.push(JSON.parse(Buffer.from(entry).toString('utf8')) as AuditRecordV1);
  }
  return out;
}

/** The log folders of a ledger (one per Kafka partition, or `default`). */
export function ledgerLogs(ledgerDir: string): string[] {
  if (!existsSync(ledgerDir)) return [];
  return readdirSync(ledgerDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ledgerDir, d.name, 'checkpoint')))
    .map((d) => join(ledgerDir, d.name));
}
