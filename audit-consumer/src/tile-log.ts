// A file-backed append-only Merkle log in the C2SP tlog-tiles layout with a signed checkpoint after every append.
import { resolve } from 'node:path';
import {
  MAX_ENTRY_SIZE,
  TILE_WIDTH,
  TileFrontier,
  TileSubtrees,
  bytesEqual,
  decodeEntryBundle,
  decodeTile,
  encodeEntryBundle,
  encodeTile,
  entriesPath,
  formatCheckpoint,
  isAuditCoreError,
  leafHash,
  levelHashCount,
  locateStoredHash,
  openCheckpoint,
  proveConsistency,
  proveInclusion,
  signNote,
  tileCounts,
  tileLevelCount,
  tilePath,
  type NoteSigner,
} from '@palisade/audit-core';
import { DurableFiles, type FileWrite } from './durable-files.js';
import { AuditError } from './errors.js';
import { LruCache } from './lru-cache.js';

export const CHECKPOINT_FILE = 'checkpoint';
export const VKEY_FILE = 'log.vkey';

export interface TileLogOptions {
  dir: string;
  /** The log's identity, first line of every checkpoint (e.g. "audit.example.com/ledger/0"). */
  origin: string;
  signer: NoteSigner;
  /** fsync files and folders before each checkpoint (default true); turn off only for throwaway logs. */
  fsync?: boolean;
  /** Full tiles kept in memory for proofs, with their inner subtree hashes (default 256, about 4 MiB). */
  tileCacheSize?: number;
}

export interface AppendResult {
  /** Index of the first appended entry. */
  firstIndex: number;
  /** Tree size after the append. */
  size: number;
}

export interface TileLogStatus {
  ok: boolean;
  origin: string;
  dir: string;
  size: number;
  closed: boolean;
  /** Why the log refuses appends, if it does. */
  error?: string;
}

export interface TileLog {
  readonly origin: string;
  readonly dir: string;
  /** Appends entries in order; resolves once they and a checkpoint covering them are durable. */
  append(entries: readonly Uint8Array[]): Promise<AppendResult>;
  size(): number;
  root(): Uint8Array;
  /** The latest signed checkpoint note. */
  checkpoint(): string;
  readEntry(index: number): Promise<Uint8Array>;
  /** Entries [from, to) in order, read bundle by bundle. */
  entries(from?: number, to?: number): AsyncGenerator<{ index: number; entry: Uint8Array }>;
  proveInclusion(index: number, size?: number): Promise<Uint8Array[]>;
  proveConsistency(oldSize: number, newSize?: number): Promise<Uint8Array[]>;
  close(): Promise<void>;
  status(): TileLogStatus;
}

function tileKey(level: number, index: number): string {
  return `${level}/${index}`;
}

function decodeText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

class FileTileLog implements TileLog {
  readonly origin: string;
  readonly dir: string;
  readonly #files: DurableFiles;
  readonly #signer: NoteSigner;
  #frontier: TileFrontier;
  /** Entries of the trailing partial bundle, rewritten whole on each append as the spec's .p/W file. */
  #partialEntries: Uint8Array[];
  #root: Uint8Array;
  #checkpoint: string;
  readonly #tiles: LruCache<string, TileSubtrees>;
  /** Subtrees of the current right-edge partial tiles, by level; dropped whenever the frontier changes. */
  #edge = new Map<number, TileSubtrees>();
  readonly #bundles = new LruCache<number, Uint8Array[]>(4);
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;
  #failure: AuditError | undefined;

  constructor(init: {
    files: DurableFiles;
    origin: string;
    signer: NoteSigner;
    frontier: TileFrontier;
    partialEntries: Uint8Array[];
    checkpoint: string;
    tileCacheSize: number;
  }) {
    this.#files = init.files;
    this.dir = init.files.dir;
    this.origin = init.origin;
    this.#signer = init.signer;
    this.#frontier = init.frontier;
    this.#partialEntries = init.partialEntries;
    this.#root = init.frontier.root();
    this.#checkpoint = init.checkpoint;
    this.#tiles = new LruCache(init.tileCacheSize);
  }

  size(): number {
    return this.#frontier.size;
  }

  root(): Uint8Array {
    return this.#root;
  }

  checkpoint(): string {
    return this.#checkpoint;
  }

  status(): TileLogStatus {
    const error = this.#closed ? 'closed' : this.#failure?.message;
    return { ok: error === undefined, origin: this.origin, dir: this.dir, size: this.size(), closed: this.#closed, ...(error ? { error } : {}) };
  }

  append(entries: readonly Uint8Array[]): Promise<AppendResult> {
    const tooLarge = entries.findIndex((e) => e.length > MAX_ENTRY_SIZE);
    if (tooLarge >= 0) {
      const bytes = entries[tooLarge]!.length;
      return Promise.reject(
        new AuditError('AUD_ERR_ENTRY_TOO_LARGE', { detail: `Entry ${tooLarge} of the batch has ${bytes} bytes.`, data: { entry: tooLarge, bytes } }),
      );
    }
    // Copies, because the caller's buffers (e.g. a Kafka batch) may be reused after this call.
    const copies = entries.map((e) => new Uint8Array(e));
    return this.#serial(() => this.#append(copies));
  }

  async #append(entries: Uint8Array[]): Promise<AppendResult> {
    this.#checkWritable();
    const oldSize = this.size();
    if (entries.length === 0) return { firstIndex: oldSize, size: oldSize };

    const frontier = this.#frontier.clone();
    const writes: FileWrite[] = [];
    const completed: { level: number; index: number; hashes: Uint8Array[] }[] = [];
    const completedBundles: number[] = [];
    let bundle = [...this.#partialEntries];
    let bundleIndex = Math.floor(oldSize / TILE_WIDTH);
    for (const entry of entries) {
      frontier.push(leafHash(entry), (t) => {
        const hashes = [...t.hashes];
        completed.push({ level: t.level, index: t.index, hashes });
        writes.push({ path: tilePath(t.level, t.index), data: encodeTile(hashes) });
      });
      bundle.push(entry);
      if (bundle.length === TILE_WIDTH) {
        writes.push({ path: entriesPath(bundleIndex), data: encodeEntryBundle(bundle) });
        completedBundles.push(bundleIndex);
        bundleIndex++;
        bundle = [];
      }
    }
    if (bundle.length > 0) writes.push({ path: entriesPath(bundleIndex, bundle.length), data: encodeEntryBundle(bundle) });
    for (const p of frontier.partials()) {
      if (levelHashCount(frontier.size, p.level) !== levelHashCount(oldSize, p.level)) {
        writes.push({ path: tilePath(p.level, p.index, p.hashes.length), data: encodeTile(p.hashes) });
      }
    }
    const root = frontier.root();
    const note = signNote(formatCheckpoint({ origin: this.origin, size: frontier.size, rootHash: root }), this.#signer);

    try {
      // Tiles and bundles first, durably; only then the checkpoint that makes them part of the log.
      await this.#files.writeAll(writes);
      await this.#files.replace(CHECKPOINT_FILE, note);
    } catch (err) {
      // After a failed write or fsync the disk state is unknown; refuse to go on until reopened.
      this.#failure = err instanceof AuditError ? err : new AuditError('AUD_ERR_IO', { cause: err });
      throw this.#failure;
    }

    this.#frontier = frontier;
    this.#partialEntries = bundle;
    this.#root = root;
    this.#checkpoint = note;
    this.#edge = new Map();
    for (const t of completed) this.#tiles.set(tileKey(t.level, t.index), new TileSubtrees(t.hashes));
    await this.#collectGarbage(completed, completedBundles);
    return { firstIndex: oldSize, size: frontier.size };
  }

  /** Partial tiles superseded by a full tile are no longer referenced by any future checkpoint. */
  async #collectGarbage(tiles: readonly { level: number; index: number }[], bundles: readonly number[]): Promise<void> {
    const stale = [...tiles.map((t) => `${tilePath(t.level, t.index)}.p`), ...bundles.map((b) => `${entriesPath(b)}.p`)];
    await Promise.all(stale.map((p) => this.#files.remove(p).catch(() => undefined)));
  }

  async readEntry(index: number): Promise<Uint8Array> {
    this.#checkOpen();
    this.#checkIndex(index, this.size());
    const b = Math.floor(index / TILE_WIDTH);
    const bundle = await this.#bundle(b);
    return bundle[index % TILE_WIDTH]!;
  }

  async *entries(from = 0, to = this.size()): AsyncGenerator<{ index: number; entry: Uint8Array }> {
    this.#checkOpen();
    if (from < 0 || to > this.size() || from > to) {
      throw new AuditError('AUD_ERR_INDEX_RANGE', { detail: `Range ${from}..${to} is outside 0..${this.size()}.` });
    }
    for (let i = from; i < to; ) {
      const b = Math.floor(i / TILE_WIDTH);
      const bundle = await this.#bundle(b);
      for (; i < to && Math.floor(i / TILE_WIDTH) === b; i++) yield { index: i, entry: bundle[i % TILE_WIDTH]! };
    }
  }

  async #bundle(b: number): Promise<Uint8Array[]> {
    if (b === Math.floor(this.size() / TILE_WIDTH)) return this.#partialEntries;
    const cached = this.#bundles.get(b);
    if (cached) return cached;
    const path = entriesPath(b);
    const data = await this.#files.read(path);
    if (!data) throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${path} is missing.` });
    let entries: Uint8Array[];
    try {
      entries = decodeEntryBundle(data);
    } catch (err) {
      throw new AuditError('AUD_ERR_LOG_CORRUPT', { cause: err, detail: `${path} is malformed.` });
    }
    if (entries.length !== TILE_WIDTH) throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${path} holds ${entries.length} entries.` });
    this.#bundles.set(b, entries);
    return entries;
  }

  proveInclusion(index: number, size = this.size()): Promise<Uint8Array[]> {
    this.#checkOpen();
    this.#checkIndex(size - 1, this.size());
    this.#checkIndex(index, size);
    return proveInclusion(index, size, this.#readHashes);
  }

  proveConsistency(oldSize: number, newSize = this.size()): Promise<Uint8Array[]> {
    this.#checkOpen();
    if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 1 || oldSize > newSize || newSize > this.size()) {
      throw new AuditError('AUD_ERR_INDEX_RANGE', { detail: `No consistency proof from ${oldSize} to ${newSize} in a log of ${this.size()}.` });
    }
    return proveConsistency(oldSize, newSize, this.#readHashes);
  }

  /** Serves stored hashes from tiles: the right edge from memory, full tiles from the cache or disk. */
  readonly #readHashes = async (indexes: readonly number[]): Promise<Uint8Array[]> => {
    const locations = indexes.map(locateStoredHash);
    const tiles = new Map<string, TileSubtrees>();
    for (const loc of locations) {
      const key = tileKey(loc.tileLevel, loc.tileIndex);
      if (!tiles.has(key)) tiles.set(key, await this.#tileSubtrees(loc.tileLevel, loc.tileIndex));
    }
    return locations.map((loc) => {
      const tile = tiles.get(tileKey(loc.tileLevel, loc.tileIndex))!;
      if (loc.start + loc.count > tile.width) {
        throw new AuditError('AUD_ERR_INDEX_RANGE', { detail: `Hash ${loc.start + loc.count - 1} is not yet in tile ${tileKey(loc.tileLevel, loc.tileIndex)}.` });
      }
      return tile.subtreeHash(loc.start, loc.count);
    });
  };

  async #tileSubtrees(level: number, index: number): Promise<TileSubtrees> {
    if (index === tileCounts(this.size(), level).full) {
      let edge = this.#edge.get(level);
      if (!edge) {
        edge = new TileSubtrees(this.#frontier.partial(level));
        this.#edge.set(level, edge);
      }
      return edge;
    }
    const key = tileKey(level, index);
    const cached = this.#tiles.get(key);
    if (cached) return cached;
    const path = tilePath(level, index);
    const data = await this.#files.read(path);
    if (!data || data.length !== TILE_WIDTH * 32) {
      throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${path} is ${data ? `${data.length} bytes long` : 'missing'}.` });
    }
    const tile = new TileSubtrees(decodeTile(data));
    this.#tiles.set(key, tile);
    return tile;
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      this.#closed = true;
      this.#tiles.clear();
      this.#bundles.clear();
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #checkOpen(): void {
    if (this.#closed) throw new AuditError('AUD_ERR_LOG_CLOSED', { detail: this.origin });
  }

  #checkWritable(): void {
    this.#checkOpen();
    if (this.#failure) throw new AuditError('AUD_ERR_LOG_FAILED', { cause: this.#failure, detail: this.origin });
  }

  #checkIndex(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new AuditError('AUD_ERR_INDEX_RANGE', { detail: `Index ${index} is not below ${size}.` });
    }
  }
}

/**
 * Opens (creating if empty) the log in `dir`. An existing log must carry a checkpoint signed by
 * `signer` for `origin`, and its partial tiles and bundle must reproduce that checkpoint's root.
 */
export async function openTileLog(options: TileLogOptions): Promise<TileLog> {
  const files = new DurableFiles(resolve(options.dir), options.fsync ?? true);
  const { origin, signer } = options;
  const tileCacheSize = options.tileCacheSize ?? 256;

  const vkeyBytes = await files.read(VKEY_FILE);
  if (vkeyBytes && decodeText(vkeyBytes).trim() !== signer.vkey) {
    throw new AuditError('AUD_ERR_KEY_MISMATCH', { detail: `${VKEY_FILE} in ${files.dir} names another key.` });
  }
  const checkpointBytes = await files.read(CHECKPOINT_FILE);

  if (!checkpointBytes) {
    if (await files.exists('tile')) {
      throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${files.dir} holds tiles but no checkpoint.` });
    }
    const frontier = TileFrontier.empty();
    const note = signNote(formatCheckpoint({ origin, size: 0, rootHash: frontier.root() }), signer);
    if (!vkeyBytes) await files.replace(VKEY_FILE, `${signer.vkey}\n`);
    await files.replace(CHECKPOINT_FILE, note);
    return new FileTileLog({ files, origin, signer, frontier, partialEntries: [], checkpoint: note, tileCacheSize });
  }

  const note = decodeText(checkpointBytes);
  let size: number;
  let rootHash: Uint8Array;
  try {
    const cp = openCheckpoint(note, [signer.verifier()]);
    if (cp.origin !== origin) {
      throw new AuditError('AUD_ERR_ORIGIN_MISMATCH', { detail: `The checkpoint in ${files.dir} is for ${cp.origin}, not ${origin}.` });
    }
    size = cp.size;
    rootHash = cp.rootHash;
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw new AuditError('AUD_ERR_CHECKPOINT_INVALID', { cause: err, detail: `${files.dir}/${CHECKPOINT_FILE}.` });
  }

  const partials: Uint8Array[][] = [];
  for (let level = 0; level < tileLevelCount(size); level++) {
    const { full, partialWidth } = tileCounts(size, level);
    if (partialWidth === 0) {
      partials.push([]);
      continue;
    }
    const path = tilePath(level, full, partialWidth);
    const data = await files.read(path);
    if (!data || data.length !== partialWidth * 32) {
      throw new AuditError('AUD_ERR_LOG_MISMATCH', { detail: `${path} is ${data ? `${data.length} bytes long` : 'missing'}.` });
    }
    partials.push(decodeTile(data));
  }
  const frontier = TileFrontier.fromPartials(size, partials);
  if (!bytesEqual(frontier.root(), rootHash)) {
    throw new AuditError('AUD_ERR_LOG_MISMATCH', { detail: `The partial tiles in ${files.dir} give another root than the checkpoint.` });
  }

  let partialEntries: Uint8Array[] = [];
  const { full: fullBundles, partialWidth: bundleWidth } = tileCounts(size, 0);
  if (bundleWidth > 0) {
    const path = entriesPath(fullBundles, bundleWidth);
    const data = await files.read(path);
    if (!data) throw new AuditError('AUD_ERR_LOG_MISMATCH', { detail: `${path} is missing.` });
    try {
      partialEntries = decodeEntryBundle(data).map((e) => new Uint8Array(e));
    } catch (err) {
      if (!isAuditCoreError(err)) throw err;
      throw new AuditError('AUD_ERR_LOG_MISMATCH', { cause: err, detail: `${path} is malformed.` });
    }
    const tile = frontier.partial(0);
    if (partialEntries.length !== bundleWidth || partialEntries.some((e, i) => !bytesEqual(leafHash(e), tile[i]!))) {
      throw new AuditError('AUD_ERR_LOG_MISMATCH', { detail: `${path} does not match ${tilePath(0, fullBundles, bundleWidth)}.` });
    }
  }
  if (!vkeyBytes) await files.replace(VKEY_FILE, `${signer.vkey}\n`);
  return new FileTileLog({ files, origin, signer, frontier, partialEntries, checkpoint: note, tileCacheSize });
}
