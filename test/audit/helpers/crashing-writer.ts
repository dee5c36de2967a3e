// A child process for crash tests: appends batches to a tile log, prints each acknowledged size, and dies by SIGKILL when told.
import { canonicalBytes, generateNoteKey, parseSigner } from '@palisade/audit-core';
import { openTileLog } from '@palisade/ledger';
import { numberedRecord } from '../fixtures.js';

const [dir, batchesText, batchText, killAfterText] = process.argv.slice(2);
const signer = parseSigner(generateNoteKey('audit.test/ledger', Buffer.alloc(32, 3)).skey);
const log = await openTileLog({ dir: dir!, origin: 'audit.test/crash', signer, checkpointEvery: 1000, checkpointIntervalMs: 60_000 });
const batches = Number(batchesText);
const batch = Number(batchText);
const killAfter = Number(killAfterText);
let n = log.size();
for (let b = 0; b < batches; b++) {
  const entries = Array.from({ length: batch }, (_, k) => canonicalBytes(numberedRecord(n + k)));
  const result = await log.append(entries);
  n = result.size;
  process.stdout.write(`acked ${n}\n`);
  if (b + 1 === killAfter) {
    // Starts another append and dies while it may be half written, as a power cut would.
    void log.append(Array.from({ length: batch }, (_, k) => canonicalBytes(numberedRecord(n + k))));
    process.kill(process.pid, 'SIGKILL');
  }
}
await log.close();
process.stdout.write('closed\n');
