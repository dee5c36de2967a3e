// Per-entry checks of verify (leaf hash, schema, canonical form), in this thread or spread over worker threads for large logs.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { bytesEqual, decodeEntryBundle, leafHash } from '@palisade/audit-core';
import { createRecordValidator, type RecordValidator } from './record-validator.js';

export interface EntryResults {
  /** Leaf hash of each entry, in order. */
  hashes: Uint8Array[];
  /** Why each entry is not a canonical AuditRecordV1, or null when it is. */
  reasons: (string | null)[];
}

export function checkEntries(entries: readonly Uint8Array[], validate: RecordValidator): EntryResults {
  const hashes: Uint8Array[] = [];
  const reasons: (string | null)[] = [];
  for (const entry of entries) {
    hashes.push(leafHash(entry));
    const check = validate(entry);
    reasons.push(!check.ok ? check.reason : bytesEqual(check.canonical, entry) ? null : 'not canonical JSON');
  }
  return { hashes, reasons };
}

export interface EntryChecker {
  /** Checks the first `count` entries of a well-formed bundle. */
  check(bundle: Uint8Array, count: number): Promise<EntryResults>;
  close(): Promise<void>;
}

/** The message a worker answers: leaf hashes concatenated, and a reason per entry. */
export interface WorkerAnswer {
  id: number;
  hashes: Uint8Array;
  reasons: (string | null)[];
}

/**
 * Worker threads run the compiled JavaScript. When this module itself runs from TypeScript sources
 * (development), the TypeScript loader does not reach worker threads, so checks stay in this thread.
 */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

export function defaultWorkers(size: number): number {
  // Threads pay off once a log is large; two of them already halve the time on two cores.
  return size >= 20_000 ? Math.min(4, availableParallelism()) : 0;
}

/** The number of worker threads that will actually be used for a request of `workers`. */
export function effectiveWorkers(workers: number): number {
  return FROM_SOURCES ? 0 : Math.max(0, Math.floor(workers));
}

/** Checks in this thread (workers = 0) or on a pool of worker threads, answering in submission order. */
export function createEntryChecker(requested: number): EntryChecker {
  const workers = effectiveWorkers(requested);
  if (workers === 0) {
    const validate = createRecordValidator();
    return {
      check: async (bundle, count) => checkEntries(decodeEntryBundle(bundle).slice(0, count), validate),
      close: async () => undefined,
    };
  }
  // A clean command line: the compiled worker resolves our packages to their compiled builds too.
  const pool = Array.from({ length: workers }, () => new Worker(new URL('./verify-worker.js', import.meta.url), { execArgv: [] }));
  const waiting = new Map<number, { resolve: (r: EntryResults) => void; reject: (e: unknown) => void }>();
  let next = 0;
  for (const w of pool) {
    w.on('message', (m: WorkerAnswer) => {
      const hashes: Uint8Array[] = [];
      for (let at = 0; at < m.hashes.length; at += 32) hashes.push(m.hashes.subarray(at, at + 32));
      waiting.get(m.id)?.resolve({ hashes, reasons: m.reasons });
      waiting.delete(m.id);
    });
    w.on('error', (err) => {
      for (const p of waiting.values()) p.reject(err);
      waiting.clear();
    });
  }
  return {
    check(bundle, count) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        const copy = new Uint8Array(bundle);
        pool[id % pool.length]!.postMessage({ id, bundle: copy, count }, [copy.buffer]);
      });
    },
    async close() {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
