// Builds small ledgers on disk for the verification and CLI tests.
import { join } from 'node:path';
import { canonicalBytes, generateNoteKey, parseSigner, type NoteSigner } from '@palisade/audit-core';
import { openTileLog } from '@palisade/ledger';
import { numberedRecord } from './fixtures.js';

export const testSigner: NoteSigner = parseSigner(generateNoteKey('audit.test/ledger', Buffer.alloc(32, 9)).skey);

/** Writes one log per entry in `sizes` under `ledgerDir/<partition>`; returns the entries of each. */
export async function buildLedger(ledgerDir: string, sizes: number[], batch = 97): Promise<Uint8Array[][]> {
  const all: Uint8Array[][] = [];
  for (const [partition, size] of sizes.entries()) {
    const log = await openTileLog({ dir: join(ledgerDir, String(partition)), origin: `audit.test/ledger/${partition}`, signer: testSigner });
    const entries = Array.from({ length: size }, (_, i) => canonicalBytes(numberedRecord(partition * 100_000 + i)));
    for (let at = 0; at < size; at += batch) await log.append(entries.slice(at, at + batch));
    await log.close();
    all.push(entries);
  }
  return all;
}

/** Byte offset of entry k's first content byte inside an entry bundle. */
export function entryOffset(entries: readonly Uint8Array[], k: number): number {
  let at = 0;
  for (let i = 0; i < k; i++) at += 2 + entries[i]!.length;
  return at + 2;
}
