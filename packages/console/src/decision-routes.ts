// Finding and reading decisions: the search, one decision with its records and content, a data subject (and erasing them), the overview.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { eraseSubjectKey } from '@palisade/ledger';
import { CONTENT_READER, recordAction, requireAuditor, type ConsoleContext } from './context.js';
import { ConsoleError } from './errors.js';
import { readJsonBody, sendJson } from './http-answers.js';
import { readRecord } from './ledger-records.js';
import { contentOf } from './record-content.js';
import { filterQuery, parseFilter } from './search-filters.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_SUB = 512;

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new ConsoleError('CON_ERR_BAD_REQUEST', { cause, detail: 'The path is not valid percent-encoding.' });
  }
}

async function search(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const session = requireAuditor(ctx, req);
  const filter = parseFilter(url.searchParams.entries());
  // What the ledger published since the last tailing pass is searched too.
  await ctx.tailer.catchUp();
  const page = ctx.index.search(filter);
  await recordAction(ctx, req, session.person, { action: 'search', result: 'ok', query: filterQuery(url.searchParams.entries()), count: page.items.length });
  sendJson(res, 200, page);
}

async function openDecision(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const session = requireAuditor(ctx, req);
  if (!UUID.test(id)) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: 'Not a decision id.' });
  const where = ctx.index.locate(id);
  if (!where) throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: 'No decision with this id is indexed.' });
  const decision = where.log !== null && where.index !== null ? await readRecord(ctx.folder, where.log, where.index) : null;
  const outcome = where.outLog !== null && where.outIndex !== null ? await readRecord(ctx.folder, where.outLog, where.outIndex) : null;
  // The index only pointed the way: the ledger's record must be the one asked for.
  if ((decision && decision.record.decision_id !== id) || (outcome && outcome.record.decision_id !== id)) {
    throw new ConsoleError('CON_ERR_LEDGER', { detail: 'The index does not match the ledger; rebuild it.' });
  }
  await recordAction(ctx, req, session.person, { action: 'open_record', result: 'ok', decision_ids: [id] });
  const content = session.person.roles.includes(CONTENT_READER) ? await contentOf(ctx.options.content, decision?.record ?? null, outcome?.record ?? null) : 'forbidden';
  const related = ctx.index
    .search({ sub: where.sub, order: 'desc', limit: 11 })
    .items.filter((s) => s.decision_id !== id)
    .slice(0, 10);
  sendJson(res, 200, {
    decision: decision?.record ?? null,
    outcome: outcome?.record ?? null,
    decision_entry: where.log !== null ? { log: where.log, index: where.index } : null,
    outcome_entry: where.outLog !== null ? { log: where.outLog, index: where.outIndex } : null,
    content,
    related: { same_sub: related },
  });
}

const SUBJECT_LIMIT = 200;

async function subject(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse, sub: string): Promise<void> {
  const session = requireAuditor(ctx, req);
  await ctx.tailer.catchUp();
  const page = ctx.index.search({ sub, order: 'desc', limit: SUBJECT_LIMIT });
  await recordAction(ctx, req, session.person, { action: 'search', result: 'ok', subject: sub, count: page.items.length });
  sendJson(res, 200, { sub, decisions: page.items, erased: ctx.index.isErased(sub) });
}

async function erase(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse, sub: string): Promise<void> {
  const session = requireAuditor(ctx, req);
  const body = await readJsonBody(req);
  if (body['confirm'] !== sub) throw new ConsoleError('CON_ERR_CONFIRMATION', { detail: 'Send {"confirm": "<the subject>"}.' });
  const content = ctx.options.content;
  if (!content) throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: 'This console has no subject key store to erase from.' });
  const issuers = ctx.index.issuersOf(sub);
  if (issuers.length === 0) throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: 'No decision of this subject is indexed.' });
  // Recorded first: an erasure the ledger does not show must not happen.
  await recordAction(ctx, req, session.person, { action: 'erase', result: 'ok', subject: sub });
  for (const iss of issuers) {
    try {
      await eraseSubjectKey(content.keysDir, iss, sub);
    } catch (cause) {
      throw new ConsoleError('CON_ERR_LEDGER', { cause, detail: 'Erasing a subject key.' });
    }
  }
  ctx.index.noteErased(sub, ctx.clock());
  sendJson(res, 200, { erased: true });
}

async function overview(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  requireAuditor(ctx, req);
  const filter = parseFilter([...url.searchParams.entries()].filter(([k]) => k === 'from' || k === 'to'));
  // Like the search: what the ledger published since the last tailing pass is counted too.
  await ctx.tailer.catchUp();
  const toMs = filter.toMs ?? ctx.clock();
  const fromMs = filter.fromMs ?? toMs - 7 * 24 * 3_600_000;
  sendJson(res, 200, ctx.index.overview(fromMs, toMs));
}

export async function decisionRoutes(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const parts = url.pathname.split('/').slice(3); // after /console/api
  const method = req.method ?? 'GET';
  if (parts[0] === 'decisions' && parts.length === 1 && method === 'GET') await search(ctx, req, res, url);
  else if (parts[0] === 'decisions' && parts.length === 2 && method === 'GET') await openDecision(ctx, req, res, decodeSegment(parts[1]!));
  else if (parts[0] === 'subjects' && parts.length === 2 && method === 'GET') await subject(ctx, req, res, checkSub(decodeSegment(parts[1]!)));
  else if (parts[0] === 'subjects' && parts.length === 3 && parts[2] === 'erase' && method === 'POST') await erase(ctx, req, res, checkSub(decodeSegment(parts[1]!)));
  else if (parts[0] === 'overview' && parts.length === 1 && method === 'GET') await overview(ctx, req, res, url);
  else return false;
  return true;
}

function checkSub(sub: string): string {
  if (sub === '' || sub.length > MAX_SUB) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: `A subject is 1 to ${MAX_SUB} characters.` });
  return sub;
}
