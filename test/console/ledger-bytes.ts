// Alters a ledger the way an attacker with disk access would: one byte inside one record's entry.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { entryBundleFiles } from '../support/ledger.js';

/**
 * Waits until the log's checkpoint stays the same for longer than the gateway's checkpoint interval
 * (1 s by default): records appended a moment ago (console actions) are then in the tiles, and no
 * newer entry bundle will replace the one about to be altered.
 */
export async function waitLedgerQuiet(logDir: string, quietMs = 1500): Promise<void> {
  let before = readFileSync(join(logDir, 'checkpoint'), 'utf8');
  for (let i = 0; i < 40; i++) {
    await sleep(quietMs);
    const now = readFileSync(join(logDir, 'checkpoint'), 'utf8');
    if (now === before) return;
    before = now;
  }
  throw new Error(`The log in ${logDir} kept growing; it never became quiet.`);
}

/** Flips one byte of the decision record of `decisionId` inside its entry bundle; the framing stays intact. */
export function flipEntryByte(logDir: string, decisionId: string): void {
  const needle = Buffer.from(`"decision_id":"${decisionId}","gateway_id"`);
  for (const file of entryBundleFiles(logDir)) {
    const bytes = readFileSync(file);
    let at = 0;
    while (at + 2 <= bytes.length) {
      const len = bytes.readUInt16BE(at);
      const entry = bytes.subarray(at + 2, at + 2 + len);
      if (entry.includes(needle) && entry.includes(Buffer.from('"phase":"decision"'))) {
        // A letter of the gateway id: the entry stays valid JSON, only its hash changes.
        const pos = at + 2 + entry.indexOf(needle) + needle.length + 2;
        bytes[pos] = bytes[pos]! ^ 0x01;
        writeFileSync(file, bytes);
        return;
      }
      at += 2 + len;
    }
  }
  throw new Error(`No decision record of ${decisionId} in ${logDir}.`);
}
