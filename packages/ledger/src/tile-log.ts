// A file-backed append-only Merkle log in the C2SP tlog-tiles layout: appends are made durable in a
// journal with one fsync, and tiles, entry bundles and a signed checkpoint are published in bulk.
import { resolve } from 'node:path';
import {
  MAX_ENTRY_SIZE,
  TILE_WIDTH,
  TileFrontier,
  TileSubtrees,
  bytesEqual,
  consistencyProofIndexes,
  decodeEntryBundle,
  decodeTile,
  encodeEntryBundle,
  encodeTile,
  entriesPath,
  formatCheckpoint,
  formatTlogProof,
  inclusionProofIndexes,
  isAuditCoreError,
  leafHash,
  locateStoredHash,
  openCheckpoint,
  proveConsistency,
  proveInclusion,
  signNote,
  tileCounts,
  tileLevelCount,
  tilePath,
  type HashReader,
  type NoteSigner,
} from '@palisade/audit-core';
import { LRUCache } from 'lru-cache';
import { DurableFiles, type FileWrite } from './durable-files.js';
import { AuditError } from './errors.js';
import { JOURNAL_FILE, LogJournal } from './journal.js';
import { checkJournalAgainstTree, journalDamagedError, keepDamagedCopy, treeLeafReader, type JournalFrame } from './journal-check.js';
import { readPrunedBelow } from './pruned-marker.js';

export const CHECKPOINT_FILE = 'checkpoint';
export const VKEY_FILE = 'log.vkey';

export interface TileLogOptions {
  dir: string;
  /** The log's identity, first line of every checkpoint (e.g. "audit.example.com/ledger/0"). */
  origin: string;
  signer: NoteSigner;
  /** fsync files and folders (default true); turn off only for throwaway logs. */
  fsync?: boolean;
  /**
   * Publish tiles and a signed checkpoint once this many appended entries are not yet covered by
   * one (default 1: every append is published before it resolves, and no journal is written).
   */
  checkpointEvery?: number;
  /** Publish at the latest this long after an unpublished append (default: only by count, on close or on request). */
  checkpointIntervalMs?: number;
  /** Memory for cached full tiles and their inner hashes, in bytes (default 32 MiB). */
  tileCacheBytes?: number;
  /** Called after each published checkpoint; must not throw. */
  onPublish?: (published: PublishedCheckpoint) => void;
  /** Called when opening cut off an append a crash left incomplete (never acknowledged), so it can be logged; must not throw. */
  onTornJournalTail?: (tail: TornJournalTail) => void;
}

export interface TornJournalTail {
  /** The journal's path. */
  file: string;
  /** Where the incomplete append started, and how many bytes of it were cut off. */
  offset: number;
  bytes: number;
}

export interface AppendResult {
  /** Index of the first appended entry. */
  firstIndex: number;
  /** Tree size after the append. */
  size: number;
}

export interface PublishedCheckpoint {
  size: number;
  root: Uint8Array;
  /** The signed checkpoint note as served. */
  note: string;
}

export interface TileLogStatus {
  ok: boolean;
  origin: string;
  dir: string;
  /** Entries durably appended. */
  size: number;
  /** Entries covered by the latest signed checkpoint. */
  published: number;
  closed: boolean;
  /** Why the log refuses appends, if it does. */
  error?: string;
}

export interface TileLog {
  readonly origin: string;
  readonly dir: string;
  /** Appends entries in order; resolves once they are durable (journalled, or published with a checkpoint). */
  append(entries: readonly Uint8Array[]): Promise<AppendResult>;
  /** Entries durably appended, published or not. */
  size(): number;
  /** Root hash over size() entries. */
  root(): Uint8Array;
  /** The latest signed checkpoint. */
  published(): PublishedCheckpoint;
  /** The latest signed checkpoint note. */
  checkpoint(): string;
  /** Publishes tiles and a checkpoint for every appended entry now; resolves to the checkpoint note. */
  publishCheckpoint(): Promise<string>;
  readEntry(index: number): Promise<Uint8Array>;
  /** Entries [from, to) in order, read bundle by bundle. */
  entries(from?: number, to?: number): AsyncGenerator<{ index: number; entry: Uint8Array }>;
  /** Audit path of `index` in the tree of `size` entries (default: the published checkpoint's size). */
  proveInclusion(index: number, size?: number): Promise<Uint8Array[]>;
  proveConsistency(oldSize: number, newSize?: number): Promise<Uint8Array[]>;
  /** A C2SP tlog-proof for entry `index` against the published checkpoint, carrying the entry as its extra data. */
  receipt(index: number): Promise<string>;
  /** Entries below this index had their bundles removed by retention (their hashes stay in the tiles). */
  prunedBelow(): number;
  close(): Promise<void>;
  status(): TileLogStatus;
}

interface TreeState {
  frontier: TileFrontier;
  /** Entries of the trailing partial bundle. */
  partialEntries: Uint8Array[];
  /** Full tiles completed since the last publication, by tileKey. */
  newTiles: Map<number, Uint8Array>;
  /** Full bundles completed since the last publication, by bundle index. */
  newBundles: Map<number, Uint8Array[]>;
}

/** One number per tile: tile levels are below 8 and indexes below 2^50. */
function tileKey(level: number, index: number): number {
  return index * 8 + level;
}

/** A full tile with every inner subtree hash: 256 + 128 + … + 1 hashes. */
const FULL_TILE_BYTES = 511 * 32;

function decodeText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

class FileTileLog implements TileLog {
  readonly origin: string;
  readonly dir: string;
  readonly #files: DurableFiles;
  readonly #signer: NoteSigner;
  readonly #journal: LogJournal;
  readonly #every: number;
  readonly #intervalMs: number | undefined;
  readonly #onPublish: ((p: PublishedCheckpoint) => void) | undefined;
  #state: TreeState;
  /** Root over #state, computed on demand: it costs up to 255 node hashes per tile level. */
  #root: Uint8Array | undefined;
  #published: PublishedCheckpoint;
  /** Partial tile and bundle files the published checkpoint relies on, so unchanged ones are not rewritten. */
  #publishedPartials: Set<string>;
  readonly #tiles: LRUCache<number, TileSubtrees>;
  /** Subtrees of the current right-edge partial tiles, by level; dropped whenever the tree grows. */
  #edge = new Map<number, TileSubtrees>();
  readonly #bundles = new LRUCache<number, Uint8Array[]>({ max: 8 });
  #prunedBelow: number;
  #timer: NodeJS.Timeout | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;
  #failure: AuditError | undefined;

  private constructor(init: {
    files: DurableFiles;
    options: TileLogOptions;
    journal: LogJournal;
    state: TreeState;
    published: PublishedCheckpoint;
    publishedPartials: Set<string>;
    prunedBelow: number;
  }) {
    const { options } = init;
    this.#files = init.files;
    this.dir = init.files.dir;
    this.origin = options.origin;
    this.#signer = options.signer;
    this.#journal = init.journal;
    this.#every = Math.max(1, Math.floor(options.checkpointEvery ?? 1));
    this.#intervalMs = options.checkpointIntervalMs;
    this.#onPublish = options.onPublish;
    this.#state = init.state;
    this.#published = init.published;
    this.#publishedPartials = init.publishedPartials;
    this.#prunedBelow = init.prunedBelow;
    // Counted at their size once every inner hash is computed, so the byte budget holds however they
    // are used; every tile weighs the same, so the budget is a number of tiles (at least one).
    const tileBudget = options.tileCacheBytes ?? 32 * 1024 * 1024;
    this.#tiles = new LRUCache({ max: Math.max(1, Math.floor(tileBudget / FULL_TILE_BYTES)) });
  }

  /**
   * Opens (creating if empty) the log in `options.dir`. An existing log must carry a checkpoint
   * signed by the signer for the origin, and its partial tiles and bundle must reproduce that
   * checkpoint's root; entries journalled after it are then replayed and published.
   */
  static async open(options: TileLogOptions): Promise<FileTileLog> {
    const files = new DurableFiles(resolve(options.dir), options.fsync ?? true);
    const { origin, signer } = options;

    const vkeyBytes = await files.read(VKEY_FILE);
    if (vkeyBytes && decodeText(vkeyBytes).trim() !== signer.vkey) {
      throw new AuditError('AUD_ERR_KEY_MISMATCH', { detail: `${VKEY_FILE} in ${files.dir} names another key.` });
    }
    const checkpointBytes = await files.read(CHECKPOINT_FILE);
    let published: PublishedCheckpoint;
    let state: TreeState;
    const publishedPartials = new Set<string>();

    if (!checkpointBytes) {
      if (await files.exists('tile')) {
        throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${files.dir} holds tiles but no checkpoint.` });
      }
      const frontier = TileFrontier.empty();
      const note = signNote(formatCheckpoint({ origin, size: 0, rootHash: frontier.root() }), signer);
      if (!vkeyBytes) await files.replace(VKEY_FILE, `${signer.vkey}\n`);
      await files.replace(CHECKPOINT_FILE, note);
      published = { size: 0, root: frontier.root(), note };
      state = { frontier, partialEntries: [], newTiles: new Map(), newBundles: new Map() };
    } else {
      const loaded = await loadPublished(files, origin, signer, decodeText(checkpointBytes), publishedPartials);
      published = loaded.published;
      state = { frontier: loaded.frontier, partialEntries: loaded.partialEntries, newTiles: new Map(), newBundles: new Map() };
      if (!vkeyBytes) await files.replace(VKEY_FILE, `${signer.vkey}\n`);
    }

    const journalPath = files.abs(JOURNAL_FILE);
    const { journal, scan, data } = await LogJournal.open(journalPath, options.fsync ?? true);
    try {
      // Anything but a torn last append means acknowledged records are at stake: keep the file as
      // it is, keep a copy aside, and refuse to open until an operator recovers it.
      const damage = scan.damage ?? (await checkJournalAgainstTree(scan.frames, published.size, treeLeafReader(files, published.size)));
      if (damage) throw journalDamagedError(journalPath, damage, await keepDamagedCopy(files, data, new Date()));
      if (scan.torn) {
        await journal.cutTornTail(scan);
        options.onTornJournalTail?.({ file: journalPath, offset: scan.torn.offset, bytes: scan.torn.bytes });
      }
    } catch (err) {
      await journal.close();
      throw err;
    }
    await files.syncDir('');
    const log = new FileTileLog({
      files,
      options,
      journal,
      state,
      published,
      publishedPartials,
      prunedBelow: await readPrunedBelow(files),
    });
    try {
      await log.#recover(scan.frames);
    } catch (err) {
      await journal.close();
      throw err;
    }
    return log;
  }

  size(): number {
    return this.#state.frontier.size;
  }

  root(): Uint8Array {
    this.#root ??= this.#state.frontier.root();
    return this.#root;
  }

  published(): PublishedCheckpoint {
    return this.#published;
  }

  checkpoint(): string {
    return this.#published.note;
  }

  prunedBelow(): number {
    return this.#prunedBelow;
  }

  status(): TileLogStatus {
    const error = this.#closed ? 'closed' : this.#failure?.message;
    return {
      ok: error === undefined,
      origin: this.origin,
      dir: this.dir,
      size: this.size(),
      published: this.#published.size,
      closed: this.#closed,
      ...(error ? { error } : {}),
    };
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

  publishCheckpoint(): Promise<string> {
    return this.#serial(async () => {
      this.#checkWritable();
      if (this.size() > this.#published.size) await this.#publish(this.#state);
      return this.#published.note;
    });
  }

  async #append(entries: Uint8Array[]): Promise<AppendResult> {
    this.#checkWritable();
    const oldSize = this.size();
    if (entries.length === 0) return { firstIndex: oldSize, size: oldSize };
    const next = this.#grow(entries);
    if (next.frontier.size - this.#published.size >= this.#every) {
      // Publishing makes the entries durable by itself, so the journal is skipped.
      await this.#publish(next);
    } else {
      try {
        await this.#journal.append(oldSize, entries);
      } catch (err) {
        throw this.#fail(err);
      }
      this.#adopt(next);
      this.#armTimer();
    }
    return { firstIndex: oldSize, size: next.frontier.size };
  }

  /** The tree state after `entries`, computed aside so a failed write leaves the log as it was. */
  #grow(entries: readonly Uint8Array[]): TreeState {
    const frontier = this.#state.frontier.clone();
    const newTiles = new Map(this.#state.newTiles);
    const newBundles = new Map(this.#state.newBundles);
    let bundle = [...this.#state.partialEntries];
    for (const entry of entries) {
      frontier.push(leafHash(entry), (t) => newTiles.set(tileKey(t.level, t.index), encodeTile(t.hashes)));
      bundle.push(entry);
      if (bundle.length === TILE_WIDTH) {
        newBundles.set(Math.floor((frontier.size - 1) / TILE_WIDTH), bundle);
        bundle = [];
      }
    }
    return { frontier, partialEntries: bundle, newTiles, newBundles };
  }

  #adopt(next: TreeState): void {
    this.#state = next;
    this.#root = undefined;
    this.#edge = new Map();
  }

  /** Writes everything `next` adds durably, then signs and replaces the checkpoint, then empties the journal. */
  async #publish(next: TreeState): Promise<void> {
    const { frontier } = next;
    const writes: FileWrite[] = [];
    for (const [key, data] of next.newTiles) writes.push({ path: tilePath(key % 8, Math.floor(key / 8)), data });
    for (const [b, entries] of next.newBundles) writes.push({ path: entriesPath(b), data: encodeEntryBundle(entries) });
    const partials = new Set<string>();
    for (const p of frontier.partials()) {
      const path = tilePath(p.level, p.index, p.hashes.length);
      partials.add(path);
      if (!this.#publishedPartials.has(path)) writes.push({ path, data: encodeTile(p.hashes) });
    }
    if (next.partialEntries.length > 0) {
      const path = entriesPath(Math.floor(frontier.size / TILE_WIDTH), next.partialEntries.length);
      partials.add(path);
      if (!this.#publishedPartials.has(path)) writes.push({ path, data: encodeEntryBundle(next.partialEntries) });
    }
    const root = frontier.root();
    const note = signNote(formatCheckpoint({ origin: this.origin, size: frontier.size, rootHash: root }), this.#signer);
    try {
      // Tiles and bundles first, durably; only then the checkpoint that makes them part of the log.
      await this.#files.writeAll(writes);
      await this.#files.replace(CHECKPOINT_FILE, note);
    } catch (err) {
      throw this.#fail(err);
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    // Only a tile that was partial at the previous checkpoint can have partial files to remove.
    const previous = this.#published.size;
    const completedTiles = [...next.newTiles.keys()].filter((k) => Math.floor(k / 8) === tileCounts(previous, k % 8).full);
    const completedBundles = [...next.newBundles.keys()].filter((b) => b === Math.floor(previous / TILE_WIDTH));
    this.#adopt({ frontier, partialEntries: next.partialEntries, newTiles: new Map(), newBundles: new Map() });
    this.#root = root;
    this.#published = { size: frontier.size, root, note };
    this.#publishedPartials = partials;
    try {
      await this.#journal.reset();
    } catch (err) {
      // The checkpoint already covers the journal, so replaying it later is harmless; still refuse to go on.
      throw this.#fail(err);
    }
    this.#onPublish?.(this.#published);
    await this.#collectGarbage(completedTiles, completedBundles);
  }

  /** Partial tiles superseded by a full tile are no longer referenced by any future checkpoint. */
  async #collectGarbage(tiles: readonly number[], bundles: readonly number[]): Promise<void> {
    const stale = [...tiles.map((k) => `${tilePath(k % 8, Math.floor(k / 8))}.p`), ...bundles.map((b) => `${entriesPath(b)}.p`)];
    await Promise.all(stale.map((p) => this.#files.remove(p).catch(() => undefined)));
  }

  /** Replays journalled entries the checkpoint does not cover yet, then publishes them. */
  async #recover(journalled: readonly JournalFrame[]): Promise<void> {
    let expected = this.size();
    const replay: Uint8Array[] = [];
    for (const { index, entry } of journalled) {
      // Entries below are already covered by the checkpoint: publishing succeeded but emptying the journal did not.
      if (index < expected) continue;
      if (index !== expected) {
        throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${JOURNAL_FILE} jumps from entry ${expected} to ${index}.` });
      }
      replay.push(entry);
      expected++;
    }
    if (replay.length > 0) await this.#publish(this.#grow(replay));
    else await this.#journal.reset();
  }

  #armTimer(): void {
    if (this.#intervalMs === undefined || this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A failure is kept in #failure and shown by status(); the next append reports it.
      this.publishCheckpoint().catch(() => undefined);
    }, this.#intervalMs);
    this.#timer.unref();
  }

  async readEntry(index: number): Promise<Uint8Array> {
    this.#checkOpen();
    this.#checkIndex(index, this.size());
    const bundle = await this.#bundle(Math.floor(index / TILE_WIDTH));
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
    if (b === Math.floor(this.size() / TILE_WIDTH)) return this.#state.partialEntries;
    const fresh = this.#state.newBundles.get(b);
    if (fresh) return fresh;
    const cached = this.#bundles.get(b);
    if (cached) return cached;
    const path = entriesPath(b);
    const data = await this.#files.read(path);
    if (!data) {
      // Retention may have run in another process since this log was opened.
      this.#prunedBelow = await readPrunedBelow(this.#files);
      if (b * TILE_WIDTH < this.#prunedBelow) {
        throw new AuditError('AUD_ERR_ENTRY_PRUNED', { detail: `${path} was removed by retention.`, data: { bundle: b } });
      }
      throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${path} is missing.` });
    }
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

  async proveInclusion(index: number, size = this.#published.size): Promise<Uint8Array[]> {
    this.#checkOpen();
    this.#checkIndex(size - 1, this.size());
    this.#checkIndex(index, size);
    const read = await this.#reader(inclusionProofIndexes(index, size));
    return proveInclusion(index, size, read);
  }

  async proveConsistency(oldSize: number, newSize = this.#published.size): Promise<Uint8Array[]> {
    this.#checkOpen();
    if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 1 || oldSize > newSize || newSize > this.size()) {
      throw new AuditError('AUD_ERR_INDEX_RANGE', { detail: `No consistency proof from ${oldSize} to ${newSize} in a log of ${this.size()}.` });
    }
    const read = await this.#reader(consistencyProofIndexes(oldSize, newSize));
    return proveConsistency(oldSize, newSize, read);
  }

  async receipt(index: number): Promise<string> {
    this.#checkOpen();
    const published = this.#published;
    if (!Number.isSafeInteger(index) || index < 0 || index >= published.size) {
      throw new AuditError(index >= published.size && index < this.size() ? 'AUD_ERR_NOT_PUBLISHED' : 'AUD_ERR_INDEX_RANGE', {
        detail: `Entry ${index}; the published checkpoint covers ${published.size}.`,
      });
    }
    const [entry, proof] = await Promise.all([this.readEntry(index), this.proveInclusion(index, published.size)]);
    return formatTlogProof({ extra: entry, index, proof, checkpoint: published.note });
  }

  /**
   * Loads every tile the given stored hashes come from (from memory when it can), then returns a
   * synchronous reader over them, so a proof costs no I/O once its tiles are cached.
   */
  async #reader(indexes: readonly number[]): Promise<HashReader> {
    const hashes = new Map<number, Uint8Array>();
    let tileKeyNow = -1;
    let tile: TileSubtrees | undefined;
    for (const i of indexes) {
      const loc = locateStoredHash(i);
      const key = tileKey(loc.tileLevel, loc.tileIndex);
      if (key !== tileKeyNow) {
        tile = this.#tileInMemory(loc.tileLevel, loc.tileIndex) ?? (await this.#loadTile(loc.tileLevel, loc.tileIndex));
        tileKeyNow = key;
      }
      if (loc.start + loc.count > tile!.width) {
        throw new AuditError('AUD_ERR_INDEX_RANGE', { detail: `Hash ${loc.start + loc.count - 1} is not yet in tile ${loc.tileLevel}/${loc.tileIndex}.` });
      }
      hashes.set(i, tile!.subtreeHash(loc.start, loc.count));
    }
    return (wanted) => wanted.map((i) => hashes.get(i)!);
  }

  #tileInMemory(level: number, index: number): TileSubtrees | null {
    if (index === tileCounts(this.size(), level).full) {
      let edge = this.#edge.get(level);
      if (!edge) {
        edge = new TileSubtrees(this.#state.frontier.partial(level));
        this.#edge.set(level, edge);
      }
      return edge;
    }
    const key = tileKey(level, index);
    const cached = this.#tiles.get(key);
    if (cached) return cached;
    const fresh = this.#state.newTiles.get(key);
    if (!fresh) return null;
    const tile = new TileSubtrees(fresh);
    this.#tiles.set(key, tile);
    return tile;
  }

  async #loadTile(level: number, index: number): Promise<TileSubtrees> {
    const path = tilePath(level, index);
    const data = await this.#files.read(path);
    if (!data || data.length !== TILE_WIDTH * 32) {
      throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${path} is ${data ? `${data.length} bytes long` : 'missing'}.` });
    }
    const tile = new TileSubtrees(data);
    this.#tiles.set(tileKey(level, index), tile);
    return tile;
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      if (this.#closed) return;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      try {
        // Entries only journalled are published now, so a cleanly stopped log needs no replay.
        if (!this.#failure && this.size() > this.#published.size) await this.#publish(this.#state);
      } finally {
        this.#closed = true;
        this.#tiles.clear();
        this.#bundles.clear();
        await this.#journal.close();
      }
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** After a failed write or fsync the disk state is unknown; refuse to go on until reopened. */
  #fail(err: unknown): AuditError {
    this.#failure = err instanceof AuditError ? err : new AuditError('AUD_ERR_IO', { cause: err });
    return this.#failure;
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

/** Reads and checks the published state: signed checkpoint, partial tiles reproducing its root, and the partial bundle. */
async function loadPublished(
  files: DurableFiles,
  origin: string,
  signer: NoteSigner,
  note: string,
  partialPaths: Set<string>,
): Promise<{ published: PublishedCheckpoint; frontier: TileFrontier; partialEntries: Uint8Array[] }> {
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
    partialPaths.add(path);
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
    partialPaths.add(path);
  }
  return { published: { size, root: rootHash, note }, frontier, partialEntries };
}

/** Opens (creating if empty) the log in `dir`; see FileTileLog.open. */
export async function openTileLog(options: TileLogOptions): Promise<TileLog> {
  return FileTileLog.open(options);
}
