// POST /console/api/export: an evidence package of chosen decisions, or of every decision a query matches.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VKEY_FILE } from '@palisade/ledger';
import { recordAction, requireAuditor, type ConsoleContext } from './context.js';
import { ConsoleError } from './errors.js';
import { MAX_EXPORT, buildEvidence } from './evidence-package.js';
import { SECURITY_HEADERS, readJsonBody } from './http-answers.js';
import type { DecisionLocation } from './record-index.js';
import { parseFilter } from './search-filters.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function locations(ctx: ConsoleContext, body: Record<string, unknown>): { found: DecisionLocation[]; query: Record<string, string>; ids?: string[] } {
  const ids = body['decision_ids'];
  const query = body['query'];
  if (Array.isArray(ids) === (query !== undefined)) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: 'Send either "decision_ids" or "query".' });
  if (Array.isArray(ids)) {
    if (ids.length === 0 || ids.length > 1000 || !ids.every((id): id is string => typeof id === 'string' && UUID.test(id))) {
      throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: '"decision_ids" is 1 to 1000 decision ids.' });
    }
    const found = ids.map((id) => {
      const where = ctx.index.locate(id);
      if (!where) throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: `Decision ${id} is not indexed.` });
      return where;
    });
    return { found, query: {}, ids };
  }
  if (typeof query !== 'object' || query === null || Array.isArray(query) || !Object.values(query).every((v) => typeof v === 'string')) {
    throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: '"query" is an object of filter names and string values.' });
  }
  const pairs = Object.entries(query as Record<string, string>).filter(([k]) => k !== 'limit' && k !== 'cursor' && k !== 'order');
  const filter = parseFilter(pairs);
  const found = ctx.index.all(filter, MAX_EXPORT + 1);
  if (found.length > MAX_EXPORT) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: `The query matches more than ${MAX_EXPORT} decisions; narrow it.` });
  return { found, query: Object.fromEntries(pairs) };
}

export async function exportRoutes(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname !== '/console/api/export') return false;
  if (req.method !== 'POST') throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: 'Use POST.' });
  const session = requireAuditor(ctx, req);
  const { found, query, ids } = locations(ctx, await readJsonBody(req));
  const { archive, records } = await buildEvidence(ctx.folder, {
    locations: found,
    exportedBy: { sub: session.person.sub, iss: session.person.iss },
    nowMs: ctx.clock(),
    query: ids ? { decision_ids: ids } : query,
    vkey: async (log) => ctx.options.vkey ?? (await readFile(join(log.dir, VKEY_FILE), 'utf8')),
  });
  await recordAction(ctx, req, session.person, {
    action: 'export',
    result: 'ok',
    count: records,
    ...(ids ? { decision_ids: ids } : { query }),
  });
  const name = `palisade-evidence-${new Date(ctx.clock()).toISOString().replace(/[:.]/g, '-')}.tar.gz`;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'application/gzip',
    'content-disposition': `attachment; filename="${name}"`,
    'cache-control': 'no-store',
    'content-length': String(archive.length),
  });
  res.end(archive);
  return true;
}
