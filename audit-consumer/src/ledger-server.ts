// Serves a ledger over HTTP: each log as static C2SP tlog-tiles resources, plus proofs and receipts by index or decision id.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  TILE_WIDTH,
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  leafHash,
  levelHashCount,
  tilePath,
  toBase64,
} from '@palisade/audit-core';
import { isConsolePath, type AuditConsole } from '@palisade/console';
import { AuditError, DurableFiles, VKEY_FILE, isAuditError, isDecisionId, parseTileName, type AuditErrorCode, type LedgerLog, type TileName } from '@palisade/ledger';

const gzipAsync = promisify(gzip);

export interface LedgerServerOptions {
  host: string;
  port: number;
  /** The logs to serve, by name; asked on every request because partitions open as they are assigned. */
  logs: () => readonly LedgerLog[] | Promise<readonly LedgerLog[]>;
  /** Readiness for /readyz, e.g. the consumer's status. */
  ready?: () => { ok: boolean };
  /** Extra facts for /api/v1/status. */
  status?: () => Record<string, unknown>;
  /** The audit console, answering under /console. */
  console?: AuditConsole;
}

export interface LedgerServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const STATUS_OF: Partial<Record<AuditErrorCode, number>> = {
  AUD_ERR_INDEX_RANGE: 400,
  AUD_ERR_NOT_FOUND: 404,
  AUD_ERR_ENTRY_PRUNED: 410,
  AUD_ERR_NOT_PUBLISHED: 425,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof HttpError) {
    sendJson(res, err.status, { error: { code: err.code, message: err.message } });
    return;
  }
  if (isAuditError(err)) {
    const status = STATUS_OF[err.code] ?? 500;
    sendJson(res, status, { error: { code: err.code, message: status === 500 ? 'The ledger could not answer.' : err.message } }, status === 425 ? { 'retry-after': '1' } : {});
    return;
  }
  sendJson(res, 500, { error: { code: 'internal', message: 'The ledger could not answer.' } });
}

function intParam(url: URL, name: string, fallback?: number): number {
  const text = url.searchParams.get(name);
  if (text === null) {
    if (fallback !== undefined) return fallback;
    throw new HttpError(400, 'bad_request', `Query parameter "${name}" is required.`);
  }
  if (!/^(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text))) throw new HttpError(400, 'bad_request', `"${name}" must be a non-negative integer.`);
  return Number(text);
}

/**
 * The files that hold a tile or bundle at the published size: the full one, or the partial the
 * checkpoint needs (a reader's checkpoint may be older than the writer's, whose full tile then
 * holds the same prefix). A narrower partial left over from an older checkpoint is never read:
 * it is answered from these, which the log checked when it opened and `verify` checks too.
 */
function authoritativeWidths(req: TileName, hashes: number): number[] {
  const need = Math.min(TILE_WIDTH, hashes - req.index * TILE_WIDTH);
  return need === TILE_WIDTH ? [TILE_WIDTH] : [need, TILE_WIDTH];
}

async function readTile(log: LedgerLog, req: TileName): Promise<Uint8Array> {
  const size = log.published().size;
  const hashes = levelHashCount(size, req.level);
  // Only resources a published checkpoint needs are served.
  if (req.index * TILE_WIDTH + req.width > hashes) throw new HttpError(404, 'not_found', 'No such tile at the published size.');
  const files = new DurableFiles(log.dir, false);
  for (const width of authoritativeWidths(req, hashes)) {
    const data = await files.read(tilePath(req.level, req.index, width));
    if (data && data.length === width * 32) return data.subarray(0, req.width * 32);
  }
  throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${tilePath(req.level, req.index, req.width)} is missing.` });
}

async function readBundle(log: LedgerLog, req: TileName): Promise<Uint8Array> {
  const size = log.published().size;
  if (req.index * TILE_WIDTH + req.width > size) throw new HttpError(404, 'not_found', 'No such entry bundle at the published size.');
  if ((req.index + 1) * TILE_WIDTH <= log.prunedBelow()) throw new AuditError('AUD_ERR_ENTRY_PRUNED', { detail: 'The bundle is below the minimum index.' });
  const files = new DurableFiles(log.dir, false);
  for (const width of authoritativeWidths(req, size)) {
    const data = await files.read(entriesPath(req.index, width));
    if (!data) continue;
    if (width === req.width) return data;
    return encodeEntryBundle(decodeEntryBundle(data).slice(0, req.width));
  }
  throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${entriesPath(req.index, req.width)} is missing.` });
}

async function findRecord(logs: readonly LedgerLog[], decisionId: string): Promise<{ log: LedgerLog; index: number; phase: string }[]> {
  const out: { log: LedgerLog; index: number; phase: string }[] = [];
  for (const log of logs) for (const e of await log.findDecision(decisionId)) out.push({ log, ...e });
  return out;
}

async function route(options: LedgerServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://ledger');
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const logs = await options.logs();
  const logNamed = (name: string | undefined): LedgerLog => {
    const log = logs.find((l) => l.name === name);
    if (!log) throw new HttpError(404, 'not_found', 'No such log.');
    return log;
  };

  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
    return;
  }
  if (url.pathname === '/readyz') {
    const ready = options.ready?.() ?? { ok: true };
    sendJson(res, ready.ok ? 200 : 503, ready);
    return;
  }
  if (segments[0] === 'logs' && segments.length >= 3) {
    const log = logNamed(segments[1]);
    const rest = segments.slice(2);
    if (rest.length === 1 && rest[0] === 'checkpoint') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' }).end(log.published().note);
      return;
    }
    if (rest.length === 1 && rest[0] === VKEY_FILE) {
      const data = await new DurableFiles(log.dir, false).read(VKEY_FILE);
      if (!data) throw new HttpError(404, 'not_found', 'No verifier key.');
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=3600' }).end(data);
      return;
    }
    const tile = parseTileName(rest);
    if (!tile) throw new HttpError(404, 'not_found', 'No such resource.');
    let body = tile.kind === 'tile' ? await readTile(log, tile) : await readBundle(log, tile);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'cache-control': IMMUTABLE };
    if (tile.kind === 'entries' && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      body = await gzipAsync(body);
      headers['content-encoding'] = 'gzip';
      headers['vary'] = 'accept-encoding';
    }
    res.writeHead(200, headers).end(body);
    return;
  }
  if (segments[0] !== 'api' || segments[1] !== 'v1') throw new HttpError(404, 'not_found', 'No such resource.');
  const api = segments.slice(2);

  if (api.length === 1 && api[0] === 'status') {
    sendJson(res, 200, { ...(options.status?.() ?? {}), logs: logs.map((l) => ({ name: l.name, origin: l.origin, size: l.published().size })) });
    return;
  }
  if (api.length === 1 && api[0] === 'logs') {
    sendJson(res, 200, {
      logs: logs.map((l) => ({ name: l.name, origin: l.origin, size: l.published().size, root: toBase64(l.published().root), pruned_below: l.prunedBelow(), checkpoint: l.published().note })),
    });
    return;
  }
  if (api[0] === 'logs' && api.length === 4 && api[2] === 'proof') {
    const log = logNamed(api[1]);
    const published = log.published();
    if (api[3] === 'inclusion') {
      const index = intParam(url, 'index');
      const size = intParam(url, 'size', published.size);
      if (size > published.size) throw new HttpError(400, 'bad_request', `"size" is beyond the published checkpoint (${published.size}).`);
      const proof = await log.proveInclusion(index, size);
      let leaf: string | undefined;
      try {
        leaf = toBase64(leafHash(await log.readEntry(index)));
      } catch (err) {
        if (!(isAuditError(err) && err.code === 'AUD_ERR_ENTRY_PRUNED')) throw err;
      }
      sendJson(res, 200, { origin: log.origin, index, size, ...(leaf ? { leaf_hash: leaf } : {}), proof: proof.map(toBase64), ...(size === published.size ? { checkpoint: published.note } : {}) });
      return;
    }
    if (api[3] === 'consistency') {
      const to = intParam(url, 'to', published.size);
      const from = intParam(url, 'from');
      if (to > published.size) throw new HttpError(400, 'bad_request', `"to" is beyond the published checkpoint (${published.size}).`);
      const proof = await log.proveConsistency(from, to);
      sendJson(res, 200, { origin: log.origin, from, to, proof: proof.map(toBase64), ...(to === published.size ? { checkpoint: published.note } : {}) });
      return;
    }
  }
  if ((api[0] === 'decisions' || api[0] === 'receipts') && api.length === 2) {
    const decisionId = api[1]!;
    if (!isDecisionId(decisionId)) throw new HttpError(400, 'bad_request', 'Not a decision id.');
    const found = await findRecord(logs, decisionId);
    if (found.length === 0) throw new AuditError('AUD_ERR_NOT_FOUND', { detail: decisionId });
    if (api[0] === 'decisions') {
      const records = [];
      for (const f of found) {
        const published = f.log.published();
        const covered = f.index < published.size;
        records.push({
          log: f.log.name,
          origin: f.log.origin,
          index: f.index,
          phase: f.phase,
          published: covered,
          ...(covered ? { size: published.size, proof: (await f.log.proveInclusion(f.index, published.size)).map(toBase64), checkpoint: published.note } : {}),
        });
      }
      sendJson(res, 200, { decision_id: decisionId, records });
      return;
    }
    const phase = url.searchParams.get('phase') ?? 'decision';
    const match = found.find((f) => f.phase === phase);
    if (!match) throw new AuditError('AUD_ERR_NOT_FOUND', { detail: `${decisionId} has no ${phase} record.` });
    if (match.index >= match.log.published().size) throw new AuditError('AUD_ERR_NOT_PUBLISHED', { detail: 'Try again after the next checkpoint.' });
    const receipt = await match.log.receipt(match.index);
    res
      .writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        'content-disposition': `attachment; filename="${decisionId}.${phase}.tlog-proof"`,
        'x-palisade-log': match.log.name,
      })
      .end(receipt);
    return;
  }
  throw new HttpError(404, 'not_found', 'No such resource.');
}

/** Starts the server; resolves once it listens. */
export async function startLedgerServer(options: LedgerServerOptions): Promise<LedgerServer> {
  const server: Server = createServer((req, res) => {
    if (options.console && isConsolePath(req.url)) {
      void options.console.handle(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: { code: 'method_not_allowed', message: 'Only GET is served.' } }, { allow: 'GET, HEAD' });
      return;
    }
    route(options, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (cause) {
    throw new AuditError('AUD_ERR_HTTP_START', { cause, detail: `${options.host}:${options.port}` });
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
