// Independent re-verification of ledger folders: every entry, every tile and the signed checkpoint, with precise problem reports.
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  TILE_WIDTH,
  TileFrontier,
  bytesEqual,
  decodeEntryBundle,
  decodeTile,
  isAuditCoreError,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseVerifier,
  perfectSubtreeHash,
  proveConsistency,
  tileCounts,
  tileLevelCount,
  tilePath,
  toBase64,
  verifyConsistency,
  type NoteVerifier,
} from '@palisade/audit-core';
import { DurableFiles } from './durable-files.js';
import { readPrunedBelow } from './pruned-marker.js';
import { diskHashReader, readBundleAt } from './disk-tiles.js';
import { createEntryChecker, defaultWorkers, effectiveWorkers, type EntryResults } from './entry-checks.js';
import { CHECKPOINT_FILE, VKEY_FILE } from './tile-log.js';
import { checkJournal, checkLeftoverTiles } from './verify-served-files.js';

export interface LedgerProblem {
  /** Log folder name. */
  log: string;
  /** Entry index, when the problem is about one entry. */
  entry?: number;
  /** File (relative to the log folder) the problem was found in. */
  file?: string;
  /** What is wrong, e.g. "entry 3: leaf hash does not match tile/0/000". */
  message: string;
}

export interface LogVerifyResult {
  name: string;
  dir: string;
  ok: boolean;
  origin?: string;
  size: number;
  /** Root hash in base64 as the checkpoint states it. */
  root?: string;
  entriesChecked: number;
  /** Entries whose bundles retention removed; their leaf hashes were taken from the tiles. */
  pruned: number;
  /** The size of the earlier checkpoint this one was proven consistent with, if any. */
  consistentWith?: number;
  /** The verified checkpoint note, for callers that remember it (see VerifyOptions.previous). */
  checkpoint?: string;
  problems: LedgerProblem[];
  /** True when more problems were found than are listed. */
  truncated: boolean;
}

export interface VerifyReport {
  ok: boolean;
  logs: LogVerifyResult[];
  /** Problems with the folder itself (missing, or holding no log). */
  problems: LedgerProblem[];
}

export interface VerifyProgress {
  log: string;
  entries: number;
  size: number;
}

export interface VerifyOptions {
  /** Verifier key to check checkpoints with, instead of each log's own log.vkey. */
  vkey?: string;
  onProgress?: (progress: VerifyProgress) => void;
  /** Problems listed per log before the rest are only counted (default 100). */
  maxProblems?: number;
  /**
   * Signed checkpoints seen earlier (e.g. from a state file or --previous), matched to logs by
   * origin: each log must still hold that tree as a prefix, or verification fails.
   */
  previous?: readonly string[];
  /**
   * Worker threads checking entries; default: none for small logs, up to 4 from 20,000 entries.
   * Threads run the compiled code, so none are used when this runs from TypeScript sources.
   */
  workers?: number;
}

/** Collects problems for one log, keeping discovery order and a cap. */
class ProblemList {
  readonly list: LedgerProblem[] = [];
  truncated = false;
  constructor(
    readonly log: string,
    readonly max: number,
  ) {}
  add(message: string, where: { entry?: number; file?: string } = {}): void {
    if (this.list.length >= this.max) {
      this.truncated = true;
      return;
    }
    this.list.push({ log: this.log, ...where, message });
  }
}

interface LevelContext {
  files: DurableFiles;
  size: number;
  problems: ProblemList;
}

/**
 * Checks one tile level: each hash fed from the level below (or from entries, at level 0) must
 * equal the hash in the tile file on disk. Hashes go upwards from the disk tile when it is readable,
 * so a bad hash is reported once, where it is, rather than again at every level above it.
 */
class LevelChecker {
  readonly #level: number;
  readonly #ctx: LevelContext;
  readonly #full: number;
  readonly #partialWidth: number;
  #up: LevelChecker | undefined;
  #tileIndex = -1;
  #path = '';
  #disk: Uint8Array[] | null = null;
  #computed: (Uint8Array | null)[] = [];

  constructor(level: number, ctx: LevelContext) {
    this.#level = level;
    this.#ctx = ctx;
    const counts = tileCounts(ctx.size, level);
    this.#full = counts.full;
    this.#partialWidth = counts.partialWidth;
  }

  /** The disk tile path for a position, for messages from the level above or from entries. */
  pathFor(position: number): string {
    const index = Math.floor(position / TILE_WIDTH);
    return tilePath(this.#level, index, index < this.#full ? undefined : this.#partialWidth);
  }

  /** Feeds one hash; returns a promise only when a tile had to be read from disk. */
  feed(position: number, hash: Uint8Array | null, mismatch: (tile: string) => { message: string; entry?: number }): void | Promise<void> {
    const index = Math.floor(position / TILE_WIDTH);
    if (index !== this.#tileIndex) return this.#load(index).then(() => this.#feedLoaded(position, hash, mismatch));
    return this.#feedLoaded(position, hash, mismatch);
  }

  #feedLoaded(position: number, hash: Uint8Array | null, mismatch: (tile: string) => { message: string; entry?: number }): void | Promise<void> {
    const index = Math.floor(position / TILE_WIDTH);
    const offset = position % TILE_WIDTH;
    this.#computed[offset] = hash;
    const onDisk = this.#disk?.[offset];
    if (hash && onDisk && !bytesEqual(hash, onDisk)) {
      const { message, entry } = mismatch(this.#path);
      this.#ctx.problems.add(message, { file: this.#path, ...(entry === undefined ? {} : { entry }) });
    }
    if (offset === TILE_WIDTH - 1) {
      const hashes = this.#best();
      const upHash = hashes ? perfectSubtreeHash(hashes) : null;
      this.#up ??= new LevelChecker(this.#level + 1, this.#ctx);
      const below = this.#path;
      return this.#up.feed(index, upHash, (tile) => ({ message: `${tile}: hash ${index % TILE_WIDTH} does not match ${below}` }));
    }
    return undefined;
  }

  /** Partial tile hashes of every level from this one up, or null where they cannot be known. */
  partials(): (Uint8Array[] | null)[] {
    const mine = this.#partialWidth === 0 ? [] : this.#tileIndex === this.#full ? this.#best() : null;
    return [mine, ...(this.#up ? this.#up.partials() : [])];
  }

  #best(): Uint8Array[] | null {
    if (this.#disk) return this.#disk;
    const width = this.#tileIndex < this.#full ? TILE_WIDTH : this.#partialWidth;
    const computed = this.#computed.slice(0, width);
    return computed.length === width && computed.every((h): h is Uint8Array => h !== null) ? computed : null;
  }

  async #load(index: number): Promise<void> {
    this.#tileIndex = index;
    this.#computed = [];
    this.#disk = null;
    const width = index < this.#full ? TILE_WIDTH : this.#partialWidth;
    this.#path = tilePath(this.#level, index, width);
    let data = await this.#ctx.files.read(this.#path);
    // Clients may read a partial tile as a prefix of the full one, so a full tile stands in for it.
    if (!data && width < TILE_WIDTH) {
      const full = await this.#ctx.files.read(tilePath(this.#level, index));
      if (full && full.length === TILE_WIDTH * 32) data = full.subarray(0, width * 32);
    }
    const want = width * 32;
    if (!data) {
      this.#ctx.problems.add(`${this.#path}: missing`, { file: this.#path });
    } else if (data.length !== want) {
      const what = data.length < want ? 'truncated to' : 'has';
      this.#ctx.problems.add(`${this.#path}: ${what} ${data.length} bytes, expected ${want}`, { file: this.#path });
    } else {
      this.#disk = decodeTile(data);
    }
  }
}

function checkpointText(note: string): string | null {
  const split = note.lastIndexOf('\n\n');
  return split < 0 ? null : note.slice(0, split + 1);
}

async function verifyLog(dir: string, name: string, options: VerifyOptions): Promise<LogVerifyResult> {
  const files = new DurableFiles(dir, false);
  const problems = new ProblemList(name, options.maxProblems ?? 100);
  const result = (extra: Partial<LogVerifyResult> = {}): LogVerifyResult => ({
    name,
    dir,
    size: 0,
    entriesChecked: 0,
    pruned: 0,
    ...extra,
    ok: problems.list.length === 0 && !problems.truncated,
    problems: problems.list,
    truncated: problems.truncated,
  });

  let verifier: NoteVerifier | null = null;
  const vkeySource = options.vkey ? 'the given vkey' : VKEY_FILE;
  const vkeyBytes = options.vkey === undefined ? await files.read(VKEY_FILE) : null;
  const vkeyText: string | null = options.vkey ?? (vkeyBytes ? Buffer.from(vkeyBytes).toString('utf8') : null);
  if (vkeyText === null) {
    problems.add(`${VKEY_FILE}: missing`, { file: VKEY_FILE });
  } else {
    try {
      verifier = parseVerifier(vkeyText);
    } catch {
      problems.add(`${options.vkey ? 'vkey' : VKEY_FILE}: not a valid Ed25519 verifier key`, options.vkey ? {} : { file: VKEY_FILE });
    }
  }

  const noteBytes = await files.read(CHECKPOINT_FILE);
  if (!noteBytes) {
    problems.add(`${CHECKPOINT_FILE}: missing`, { file: CHECKPOINT_FILE });
    return result();
  }
  const note = Buffer.from(noteBytes).toString('utf8');
  if (verifier) {
    try {
      openNote(noteBytes, [verifier]);
    } catch (err) {
      const code = isAuditCoreError(err) ? err.code : '';
      const message =
        code === 'CORE_ERR_NOTE_BAD_SIGNATURE'
          ? `${CHECKPOINT_FILE}: signature does not verify with ${vkeySource}`
          : code === 'CORE_ERR_NOTE_UNVERIFIED'
            ? `${CHECKPOINT_FILE}: not signed by ${vkeySource} (${verifier.name})`
            : `${CHECKPOINT_FILE}: not a valid signed note (${err instanceof Error ? err.message : String(err)})`;
      problems.add(message, { file: CHECKPOINT_FILE });
    }
  }
  const text = checkpointText(note);
  let cp;
  try {
    if (text === null) throw new Error('no blank line before the signatures');
    cp = parseCheckpoint(text);
  } catch (err) {
    problems.add(`${CHECKPOINT_FILE}: malformed (${err instanceof Error ? err.message : String(err)})`, { file: CHECKPOINT_FILE });
    return result();
  }

  const { size } = cp;
  let prunedBelow = 0;
  try {
    prunedBelow = await readPrunedBelow(files);
  } catch (err) {
    problems.add(`${err instanceof Error ? err.message : String(err)}`, { file: 'pruned' });
  }
  const level0 = new LevelChecker(0, { files, size, problems });
  let checked = 0;
  let pruned = 0;
  const bundles = Math.ceil(size / TILE_WIDTH);

  interface Prepared {
    first: number;
    width: number;
    path: string;
    /** What is wrong with the bundle file itself, reported before its entries. */
    fileProblem?: { message: string; entry?: number };
    pruned: boolean;
    results: Promise<EntryResults> | null;
  }
  const checker = createEntryChecker(options.workers ?? defaultWorkers(size));
  // Bundles are read and checked a few ahead (on worker threads for large logs), and consumed in order.
  const prepare = async (b: number): Promise<Prepared> => {
    const first = b * TILE_WIDTH;
    const width = Math.min(TILE_WIDTH, size - first);
    const { path, data } = await readBundleAt(files, b, width);
    if (!data && first + width <= prunedBelow && width === TILE_WIDTH) {
      // Retention removed this bundle: the level-0 tile stands in for its leaf hashes, and the
      // tiles above and the signed root still check those.
      return { first, width, path, pruned: true, results: null };
    }
    if (!data) return { first, width, path, pruned: false, fileProblem: { message: `${path}: missing`, entry: first }, results: null };
    let count: number;
    let fileProblem: Prepared['fileProblem'];
    try {
      count = decodeEntryBundle(data).length;
    } catch (err) {
      const at = isAuditCoreError(err) && typeof err.data?.entry === 'number' ? err.data.entry : 0;
      return { first, width, path, pruned: false, fileProblem: { message: `entry ${first + at}: ${path} is cut off there`, entry: first + at }, results: null };
    }
    if (count !== width) fileProblem = { message: `${path}: holds ${count} entries, the checkpoint needs ${width}` };
    const results = checker.check(data, Math.min(count, width));
    // Consumed in order later; a failure is reported then, not as an unhandled rejection now.
    results.catch(() => undefined);
    return { first, width, path, pruned: false, ...(fileProblem ? { fileProblem } : {}), results };
  };
  const ahead = Math.max(4, 2 * effectiveWorkers(options.workers ?? defaultWorkers(size)));
  const queue: Promise<Prepared>[] = [];
  try {
    for (let b = 0; b < Math.min(ahead, bundles); b++) queue.push(prepare(b));
    for (let b = 0; b < bundles; b++) {
      const p = await queue[b]!;
      if (b + ahead < bundles) queue.push(prepare(b + ahead));
      delete queue[b];
      if (p.pruned) pruned += p.width;
      if (p.fileProblem) problems.add(p.fileProblem.message, { file: p.path, ...(p.fileProblem.entry === undefined ? {} : { entry: p.fileProblem.entry }) });
      const results = p.results ? await p.results : null;
      for (let k = 0; k < p.width; k++) {
        const index = p.first + k;
        const hash = results?.hashes[k] ?? null;
        const loading = level0.feed(index, hash, (tile) => ({ message: `entry ${index}: leaf hash does not match ${tile}`, entry: index }));
        if (loading) await loading;
        if (results && k < results.reasons.length) {
          const reason = results.reasons[k];
          if (reason) problems.add(`entry ${index}: ${reason}`, { entry: index, file: p.path });
          checked++;
        }
      }
      options.onProgress?.({ log: name, entries: p.first + p.width, size });
    }
  } finally {
    await checker.close();
  }

  const partials = size === 0 ? [] : level0.partials().slice(0, tileLevelCount(size));
  let rootOk = false;
  if (partials.some((p) => p === null)) {
    problems.add(`${CHECKPOINT_FILE}: the root cannot be recomputed because tiles are missing`, { file: CHECKPOINT_FILE });
  } else {
    const root = TileFrontier.fromPartials(size, partials as Uint8Array[][]).root();
    if (!bytesEqual(root, cp.rootHash)) {
      problems.add(`${CHECKPOINT_FILE}: root hash does not match the tiles (tiles give ${toBase64(root)})`, { file: CHECKPOINT_FILE });
    } else {
      rootOk = true;
    }
  }
  // Served files the tree pass did not read, and entries waiting in the journal.
  await checkLeftoverTiles(files, size, (message, where) => problems.add(message, where));
  await checkJournal(files, size, (message, where) => problems.add(message, where));
  const consistentWith =
    verifier && rootOk && problems.list.length === 0
      ? await checkPrevious(files, cp.origin, size, cp.rootHash, verifier, options.previous ?? [], problems)
      : undefined;
  return result({
    origin: cp.origin,
    size,
    root: toBase64(cp.rootHash),
    entriesChecked: checked,
    pruned,
    ...(consistentWith !== undefined ? { consistentWith } : {}),
    checkpoint: note,
  });
}

/**
 * Checks the log against checkpoints seen before: it must not have shrunk, and the earlier tree
 * must be a prefix of this one (RFC 9162 consistency proof built from the tiles and verified).
 * Returns the largest earlier size proven consistent.
 */
async function checkPrevious(
  files: DurableFiles,
  origin: string,
  size: number,
  root: Uint8Array,
  verifier: NoteVerifier,
  previous: readonly string[],
  problems: ProblemList,
): Promise<number | undefined> {
  let best: number | undefined;
  for (const note of previous) {
    let prev;
    try {
      prev = openCheckpoint(note, [verifier]);
    } catch {
      // Notes for other logs (other origins or keys) are simply not about this one.
      continue;
    }
    if (prev.origin !== origin) continue;
    if (prev.size > size) {
      problems.add(`${CHECKPOINT_FILE}: the log shrank: size ${size} is smaller than the checkpoint of size ${prev.size} seen before`, { file: CHECKPOINT_FILE });
      continue;
    }
    let consistent: boolean;
    if (prev.size === 0) {
      consistent = true;
    } else {
      try {
        const proof = await proveConsistency(prev.size, size, diskHashReader(files, size));
        consistent = verifyConsistency(prev.size, size, prev.rootHash, root, proof);
      } catch {
        consistent = false;
      }
    }
    if (!consistent) {
      problems.add(`${CHECKPOINT_FILE}: not consistent with the checkpoint of size ${prev.size} seen before (history was rewritten)`, { file: CHECKPOINT_FILE });
      continue;
    }
    best = Math.max(best ?? 0, prev.size);
  }
  return best;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function looksLikeLog(dir: string): Promise<boolean> {
  const files = new DurableFiles(dir, false);
  return (await files.exists(CHECKPOINT_FILE)) || (await files.exists(VKEY_FILE)) || (await files.exists('tile'));
}

function byLogName(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? Number(a) : Number.NaN;
  const nb = /^\d+$/.test(b) ? Number(b) : Number.NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Verifies one log folder (it holds `checkpoint`) or a ledger folder whose subfolders are logs.
 * Never throws for problems in the ledger: they are all in the report.
 */
export async function verifyLedger(dir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const root = resolve(dir);
  const problems: LedgerProblem[] = [];
  if (!(await isDir(root))) {
    return { ok: false, logs: [], problems: [{ log: basename(root), message: `${root}: no such folder` }] };
  }
  let logDirs: { name: string; dir: string }[];
  if (await looksLikeLog(root)) {
    logDirs = [{ name: basename(root), dir: root }];
  } else {
    const names = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    logDirs = [];
    for (const name of names.sort(byLogName)) {
      if (await looksLikeLog(join(root, name))) logDirs.push({ name, dir: join(root, name) });
    }
    if (logDirs.length === 0) problems.push({ log: basename(root), message: `${root}: no logs found` });
  }
  const logs: LogVerifyResult[] = [];
  for (const l of logDirs) logs.push(await verifyLog(l.dir, l.name, options));
  return { ok: problems.length === 0 && logs.every((l) => l.ok), logs, problems };
}
