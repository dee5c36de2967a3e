// One log of a ledger as readers see it (HTTP server, receipts): published checkpoint, entries, proofs and lookup by decision id.
import { resolve } from 'node:path';
import {
  TILE_WIDTH,
  decodeEntryBundle,
  formatTlogProof,
  openCheckpoint,
  parseVerifier,
  proveConsistency,
  proveInclusion,
  type NoteVerifier,
} from '@palisade/audit-core';
import { LRUCache } from 'lru-cache';
import { DurableFiles } from './durable-files.js';
import { diskHashReader, readBundleAt } from './disk-tiles.js';
import { AuditError } from './errors.js';
import { readPrunedBelow } from './pruned-marker.js';
import { CHECKPOINT_FILE, VKEY_FILE, type PublishedCheckpoint, type TileLog } from './tile-log.js';

export type RecordPhase = 'decision' | 'outcome';

export interface DecisionEntry {
  index: number;
  phase: RecordPhase;
}

export interface LedgerLog {
  /** The log's folder name (the Kafka partition, or `default`). */
  readonly name: string;
  readonly origin: string;
  readonly dir: string;
  published(): PublishedCheckpoint;
  prunedBelow(): number;
  readEntry(index: number): Promise<Uint8Array>;
  proveInclusion(index: number, size?: number): Promise<Uint8Array[]>;
  proveConsistency(oldSize: number, newSize?: number): Promise<Uint8Array[]>;
  receipt(index: number): Promise<string>;
  /** Where the records of a decision are, oldest first; empty when the log has none. */
  findDecision(decisionId: string): Promise<DecisionEntry[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isDecisionId(text: string): boolean {
  return UUID.test(text);
}

/** The phase of an entry when it is a record of this decision, else null. */
function phaseOf(entry: Uint8Array, decisionId: string): RecordPhase | null {
  try {
    const record = JSON.parse(Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength).toString('utf8')) as { decision_id?: unknown; phase?: unknown };
    if (record.decision_id !== decisionId) return null;
    return record.phase === 'decision' || record.phase === 'outcome' ? record.phase : null;
  } catch {
    return null;
  }
}

/**
 * Scans bundles newest first for a decision's records. Entries are canonical JSON, so a byte search
 * for `"decision_id":"<id>"` finds candidates without parsing every record; the scan stops at the
 * decision record, because its outcome is always appended after it.
 */
export async function scanForDecision(
  decisionId: string,
  size: number,
  prunedBelow: number,
  bundle: (b: number) => Promise<Uint8Array[]>,
): Promise<DecisionEntry[]> {
  if (!isDecisionId(decisionId)) return [];
  const needle = Buffer.from(`"decision_id":"${decisionId}"`, 'utf8');
  const found: DecisionEntry[] = [];
  const lowest = Math.floor(prunedBelow / TILE_WIDTH);
  for (let b = Math.ceil(size / TILE_WIDTH) - 1; b >= lowest; b--) {
    const entries = await bundle(b);
    for (let k = Math.min(entries.length, size - b * TILE_WIDTH) - 1; k >= 0; k--) {
      const e = entries[k]!;
      if (Buffer.from(e.buffer, e.byteOffset, e.byteLength).indexOf(needle) < 0) continue;
      const phase = phaseOf(e, decisionId);
      if (phase) found.unshift({ index: b * TILE_WIDTH + k, phase });
      if (phase === 'decision') return found;
    }
  }
  return found;
}

/** Remembers where recent decisions' records are, so receipts for them need no scan. */
export class DecisionIndex {
  readonly #capacity: number;
  readonly #map = new Map<string, DecisionEntry[]>();

  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  /** Notes an appended record given its canonical bytes. */
  add(index: number, entry: Uint8Array): void {
    let record: { decision_id?: unknown; phase?: unknown };
    try {
      record = JSON.parse(Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength).toString('utf8')) as typeof record;
    } catch {
      return;
    }
    if (typeof record.decision_id !== 'string' || (record.phase !== 'decision' && record.phase !== 'outcome')) return;
    this.addRecord(index, record.decision_id, record.phase);
  }

  addRecord(index: number, decisionId: string, phase: RecordPhase): void {
    const list = this.#map.get(decisionId);
    if (list) {
      list.push({ index, phase });
      return;
    }
    this.#map.set(decisionId, [{ index, phase }]);
    // Map iterates in insertion order, so the first key is the oldest decision.
    if (this.#map.size > this.#capacity) this.#map.delete(this.#map.keys().next().value as string);
  }

  get(decisionId: string): DecisionEntry[] | undefined {
    return this.#map.get(decisionId);
  }
}

/** A TileLog seen as a LedgerLog, with an index of recent decisions kept up to date by its owner. */
export function liveLedgerLog(name: string, log: TileLog, index: DecisionIndex): LedgerLog {
  return {
    name,
    origin: log.origin,
    dir: log.dir,
    published: () => log.published(),
    prunedBelow: () => log.prunedBelow(),
    readEntry: (i) => log.readEntry(i),
    proveInclusion: (i, size) => log.proveInclusion(i, size),
    proveConsistency: (m, n) => log.proveConsistency(m, n),
    receipt: (i) => log.receipt(i),
    async findDecision(decisionId) {
      const recent = index.get(decisionId);
      if (recent?.some((e) => e.phase === 'decision')) return [...recent];
      const size = log.size();
      return scanForDecision(decisionId, size, log.prunedBelow(), async (b) => {
        const out: Uint8Array[] = [];
        for await (const { entry } of log.entries(b * TILE_WIDTH, Math.min(size, (b + 1) * TILE_WIDTH))) out.push(entry);
        return out;
      });
    },
  };
}

/**
 * A log folder opened read-only at its published checkpoint, verified with `vkey` (or the folder's
 * own log.vkey). Needs no signing key, so auditors and operators can use it.
 */
export async function openLogReader(dir: string, options: { name?: string; vkey?: string } = {}): Promise<LedgerLog> {
  const files = new DurableFiles(resolve(dir), false);
  let vkeyText: string | undefined = options.vkey;
  if (vkeyText === undefined) {
    const bytes = await files.read(VKEY_FILE);
    if (bytes) vkeyText = Buffer.from(bytes).toString('utf8');
  }
  if (vkeyText === undefined) throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${VKEY_FILE} is missing in ${files.dir}.` });
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifier(vkeyText);
  } catch (cause) {
    throw new AuditError('AUD_ERR_KEY_INVALID', { cause, detail: 'The verifier key is not valid.' });
  }
  const noteBytes = await files.read(CHECKPOINT_FILE);
  if (!noteBytes) throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${CHECKPOINT_FILE} is missing in ${files.dir}.` });
  const note = Buffer.from(noteBytes).toString('utf8');
  let cp;
  try {
    cp = openCheckpoint(note, [verifier]);
  } catch (cause) {
    throw new AuditError('AUD_ERR_CHECKPOINT_INVALID', { cause, detail: `${files.dir}/${CHECKPOINT_FILE}.` });
  }
  const published: PublishedCheckpoint = { size: cp.size, root: cp.rootHash, note };
  const prunedBelow = await readPrunedBelow(files);
  const hashes = diskHashReader(files, cp.size, 256);
  const bundles = new LRUCache<number, Uint8Array[]>({ max: 8 });

  const bundle = async (b: number): Promise<Uint8Array[]> => {
    const cached = bundles.get(b);
    if (cached) return cached;
    const width = Math.min(TILE_WIDTH, cp.size - b * TILE_WIDTH);
    const { path, data } = await readBundleAt(files, b, width);
    if (!data) {
      if ((b + 1) * TILE_WIDTH <= prunedBelow) throw new AuditError('AUD_ERR_ENTRY_PRUNED', { detail: `${path} was removed by retention.` });
      throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${path} is missing.` });
    }
    let entries: Uint8Array[];
    try {
      entries = decodeEntryBundle(data);
    } catch (cause) {
      throw new AuditError('AUD_ERR_LOG_CORRUPT', { cause, detail: `${path} is malformed.` });
    }
    if (entries.length !== width) throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${path} holds ${entries.length} entries.` });
    bundles.set(b, entries);
    return entries;
  };
  const checkIndex = (index: number, size: number): void => {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new AuditError('AUD_ERR_INDEX_RANGE', { detail: `Index ${index} is not below ${size}.` });
  };
  const readEntry = async (index: number): Promise<Uint8Array> => {
    checkIndex(index, cp.size);
    return (await bundle(Math.floor(index / TILE_WIDTH)))[index % TILE_WIDTH]!;
  };
  const proveIn = (index: number, size = cp.size): Promise<Uint8Array[]> => {
    checkIndex(size - 1, cp.size);
    checkIndex(index, size);
    return proveInclusion(index, size, hashes);
  };
  return {
    name: options.name ?? resolve(dir).split(/[\\/]/).pop() ?? dir,
    origin: cp.origin,
    dir: files.dir,
    published: () => published,
    prunedBelow: () => prunedBelow,
    readEntry,
    proveInclusion: proveIn,
    proveConsistency: (m, n = cp.size) => {
      if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n || n > cp.size) {
        throw new AuditError('AUD_ERR_INDEX_RANGE', { detail: `No consistency proof from ${m} to ${n} in a log of ${cp.size}.` });
      }
      return proveConsistency(m, n, hashes);
    },
    async receipt(index) {
      const [entry, proof] = await Promise.all([readEntry(index), proveIn(index)]);
      return formatTlogProof({ extra: entry, index, proof, checkpoint: note });
    },
    findDecision: (decisionId) => scanForDecision(decisionId, cp.size, prunedBelow, bundle),
  };
}
