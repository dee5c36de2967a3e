// The console as a framework-free request handler that both hosts mount: `palisade-audit serve --console` and the gateway in embedded mode.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SessionStore } from './sessions.js';
import type { ConsoleContext } from './context.js';
import { decisionRoutes } from './decision-routes.js';
import { ConsoleError } from './errors.js';
import { exportRoutes } from './export-routes.js';
import { sendError } from './http-answers.js';
import { IndexTailer } from './index-tailer.js';
import { LedgerFolder } from './ledger-folder.js';
import { oidcRoutes, type OidcSignIn, createOidcSignIn } from './oidc-sign-in.js';
import type { ConsoleOptions, ConsoleStatus } from './options.js';
import { proofRoutes } from './proof-routes.js';
import { RecordIndex } from './record-index.js';
import { sessionRoutes } from './session-routes.js';
import { DEFAULT_WEB_DIST, serveStatic } from './static-files.js';

export interface AuditConsole {
  /** Answers a request under /console; false (and nothing written) for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Reads the logs for new entries now (tests and rebuilds; the host's timer does it otherwise). */
  catchUp(): Promise<void>;
  status(): ConsoleStatus;
  close(): Promise<void>;
}

export function isConsolePath(url: string | undefined): boolean {
  return url !== undefined && (url === '/console' || url.startsWith('/console/') || url.startsWith('/console?'));
}

async function route(ctx: ConsoleContext, oidc: OidcSignIn | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console');
  const path = url.pathname;
  if (path === '/console') {
    res.writeHead(308, { location: '/console/' }).end();
    return;
  }
  if (path.startsWith('/console/api/')) {
    if (await sessionRoutes(ctx, req, res, path)) return;
    if (await decisionRoutes(ctx, req, res, url)) return;
    if (await proofRoutes(ctx, req, res, url)) return;
    if (await exportRoutes(ctx, req, res, url)) return;
    throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: `${req.method ?? 'GET'} ${path}` });
  }
  if (path.startsWith('/console/oidc/')) {
    if (!oidc) throw new ConsoleError('CON_ERR_SIGN_IN_UNAVAILABLE', { detail: 'No identity provider is configured.' });
    await oidcRoutes(ctx, oidc, req, res, url);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: 'Pages answer GET only.' });
  let rest: string;
  try {
    rest = decodeURIComponent(path.slice('/console/'.length));
  } catch (cause) {
    throw new ConsoleError('CON_ERR_BAD_REQUEST', { cause, detail: 'The path is not valid percent-encoding.' });
  }
  await serveStatic(res, ctx.webDist, rest, req.method === 'HEAD');
}

export async function createConsole(options: ConsoleOptions): Promise<AuditConsole> {
  const clock = options.clock ?? Date.now;
  const index = RecordIndex.open(options.indexPath, options.indexCacheMiB !== undefined ? { cacheMiB: options.indexCacheMiB } : {});
  const folder = new LedgerFolder(options.ledgerDir, options.vkey);
  const tailer = new IndexTailer(index, folder, clock, options.logger);
  const ctx: ConsoleContext = {
    options,
    index,
    folder,
    tailer,
    sessions: new SessionStore(clock),
    clock,
    logger: options.logger,
    webDist: options.webDist ?? DEFAULT_WEB_DIST,
  };
  const oidc = options.oidc ? createOidcSignIn(options.oidc) : undefined;
  try {
    await tailer.catchUp();
  } catch (err) {
    index.close();
    throw err;
  }
  const interval = options.tailIntervalMs ?? 1000;
  if (interval > 0) tailer.start(interval);
  let closed = false;
  return {
    async handle(req, res) {
      if (!isConsolePath(req.url)) return false;
      try {
        await route(ctx, oidc, req, res);
      } catch (err) {
        if (res.headersSent) res.destroy();
        else sendError(res, err, ctx.logger);
      }
      return true;
    },
    async catchUp() {
      await tailer.catchUp();
    },
    status() {
      const problem = tailer.lastError();
      return { ok: problem === undefined, ...(problem ? { detail: problem } : {}) };
    },
    async close() {
      if (closed) return;
      closed = true;
      await tailer.stop();
      index.close();
    },
  };
}


