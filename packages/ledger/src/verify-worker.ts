// A worker thread of verify: checks the entries of the bundles it is sent and answers with their leaf hashes and problems.
import { parentPort } from 'node:worker_threads';
import { decodeEntryBundle } from '@palisade/audit-core';
import { checkEntries, type WorkerAnswer } from './entry-checks.js';
import { createRecordValidator } from './record-validator.js';

const validate = createRecordValidator();

parentPort?.on('message', (m: { id: number; bundle: Uint8Array; count: number }) => {
  const { hashes, reasons } = checkEntries(decodeEntryBundle(m.bundle).slice(0, m.count), validate);
  // Copied, not transferred: small buffers share Node's pool, which must stay in this thread.
  const answer: WorkerAnswer = { id: m.id, hashes: Buffer.concat(hashes), reasons };
  parentPort?.postMessage(answer);
});
