// Pass-through of provider endpoints the gateway does not model (files, batches, ...), only where
// configured: the caller is identified, the request policy decides on the route (api
// `passthrough`, model = the provider's name, no content inspection), and both records are
// committed, each with the commitment of the body it covers, before the request leaves and before
// the answer returns. The caller's credentials are replaced by the provider's. Bodies are held
// whole (up to the route's `max_body_bytes`) because their commitments must be durable first.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Dispatcher } from 'undici';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError, toGatewayError } from '../../errors.js';
import type { PassthroughConfig } from '../../config/schema.js';
import { bodyCommitmentText } from '../../audit/body-commitment-text.js';
import { contentModeOf } from '../../audit/commitment.js';
import { createMeteredPublish } from '../../audit/metered-publish.js';
import type { RecordBase } from '../../audit/records.js';
import { sendError } from '../../http/error-body.js';
import { httpCall, type HttpCallOptions, type HttpResponse } from '../../providers/http-call.js';
import { buildDecisionInput } from '../decision-input.js';
import type { PipelineDeps } from '../deps.js';
import { policyRecord } from '../policy-record.js';
import { openContext } from '../steps/context.js';
import { decide, denialOf } from '../steps/decide.js';
import { recordDecision, recordOutcome } from '../steps/record.js';

export const PASSTHROUGH_API = 'passthrough';

/** Caller headers that carry credentials or identity for the gateway, never for the provider. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'cookie', 'proxy-authorization'];

/**
 * Hop-by-hop headers (RFC 9110 section 7.6.1) and those the gateway sets itself: the body is sent
 * decoded and whole, and asked for uncompressed so that its commitment covers what it says.
 */
const REQUEST_HOP_HEADERS = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length', 'content-encoding', 'accept-encoding', 'expect'];
const ANSWER_HOP_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length']);

type Outcome = NonNullable<AuditRecordV1['outcome']>;

function forwardedHeaders(headers: IncomingHttpHeaders, provider: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  for (const h of CREDENTIAL_HEADERS) delete out[h];
  for (const h of REQUEST_HOP_HEADERS) delete out[h];
  return { ...out, ...provider };
}

function answerHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !ANSWER_HOP_HEADERS.has(name)) out[name] = value;
  return out;
}

/** The whole answer, or GW_ERR_UPSTREAM_BAD_RESPONSE when it is larger than the route allows. */
async function readAnswer(res: HttpResponse, max: number, provider: string): Promise<Buffer> {
  const tooLarge = (): GatewayError =>
    new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', { detail: `The answer is larger than this route passes through (${max} bytes).`, data: { provider } });
  const declared = Number(res.rawHeaders['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    res.discard();
    throw tooLarge();
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.chunks()) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge();
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts, size);
}

export function createPassthroughHandler(route: PassthroughConfig, deps: PipelineDeps): RequestHandler {
  const upstream = deps.providers.passthrough(route.provider);
  if (!upstream) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `passthrough provider "${route.provider}" cannot be passed through` });
  const upstreamPath = route.upstream_path ?? route.route.replace(/^\/v1(?=\/|$)/, '');
  const http: HttpCallOptions = { provider: route.provider, dispatcher: upstream.dispatcher, clock: deps.clock, timeoutMs: upstream.timeoutMs, idleTimeoutMs: upstream.idleTimeoutMs };
  const context = { ids: deps.ids, commit: deps.commit, publish: createMeteredPublish(deps) };
  // Any content type, read as bytes; body-parser's errors map onto GW_ERR_BODY_TOO_LARGE and friends.
  const readBody = express.raw({ type: () => true, limit: route.max_body_bytes });

  return async (req: Request, res: Response) => {
    const ctx = openContext(req, res, context);
    const { state, principal } = ctx;
    if (!route.methods.includes(req.method)) throw new GatewayError('GW_ERR_NOT_FOUND', { detail: `${req.method} ${route.route}` });
    await new Promise<void>((resolve, reject) => readBody(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

    const classification = { labels: [], entities: {}, injection: { score: 0, detected: false, signals: [] } };
    const input = buildDecisionInput({
      principal,
      api: PASSTHROUGH_API,
      route: route.route,
      model: route.provider,
      stream: false,
      params: { method: req.method },
      prompt: { messages: 0, roles: [], chars: 0, estimated_tokens: 0 },
      classification,
      now: new Date(state.startedAt).toISOString(),
      gatewayId: deps.config.server.gateway_id,
      ...(req.socket.remoteAddress !== undefined ? { clientAddress: req.socket.remoteAddress } : {}),
    });
    const result = decide(deps, input);
    const base: RecordBase = {
      decisionId: state.decisionId,
      gatewayId: deps.config.server.gateway_id,
      principal,
      request: { api: PASSTHROUGH_API, route: route.route, model_requested: route.provider, stream: false },
      contentMode: contentModeOf(result.output?.audit),
    };
    const mode = base.contentMode ?? 'hash';
    // What was asked is the request line (the path names the file or batch) and the body.
    await recordDecision(ctx.records, base, { classification, policy: policyRecord(result, input) }, { mode, parts: { request: [`${req.method} ${req.originalUrl}`, bodyCommitmentText(body)] } });
    const denial = denialOf(result);
    if (denial) {
      sendError(res, denial, 'openai', { decisionId: state.decisionId, reasons: [...result.reasons] });
      return;
    }

    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const outcome = (status: number): Outcome => ({ status, provider: route.provider, latency_ms: deps.clock() - state.startedAt });
    // The mount path is already stripped from req.url; a bare `/` would add a trailing slash upstream.
    const rest = req.url === '/' ? '' : req.url.startsWith('/?') ? req.url.slice(1) : req.url;
    let answer: { res: HttpResponse; body: Buffer };
    try {
      const upstreamRes = await httpCall(http, {
        url: `${upstream.baseUrl}${upstreamPath}${rest}`,
        method: req.method as Dispatcher.HttpMethod,
        headers: forwardedHeaders(req.headers, upstream.headers),
        ...(body.byteLength > 0 ? { body } : {}),
        signal: abort.signal,
      });
      answer = { res: upstreamRes, body: await readAnswer(upstreamRes, route.max_body_bytes, route.provider) };
    } catch (err) {
      if (abort.signal.aborted) {
        await recordOutcome(ctx.records, base, { ...outcome(499), error: { code: 'client_disconnected', message: 'The caller closed the connection.' } });
        return;
      }
      const gwErr = toGatewayError(err);
      deps.metrics.upstreamErrors.inc({ provider: route.provider, code: gwErr.code });
      await recordOutcome(ctx.records, base, { ...outcome(gwErr.status), error: { code: gwErr.code, message: gwErr.message } });
      throw gwErr;
    }

    await recordOutcome(ctx.records, base, outcome(answer.res.status), {}, { mode, parts: { response: bodyCommitmentText(answer.body) } });
    res.writeHead(answer.res.status, { ...answerHeaders(answer.res.rawHeaders), 'content-length': answer.body.byteLength, 'x-palisade-decision-id': state.decisionId });
    res.end(answer.body);
  };
}
