// The Express application: routes, the per-request middleware chain, and error mapping.
import type { ApiName } from '../api-names.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GatewayError, isGatewayError, toGatewayError, type ErrorShape } from '../errors.js';
import { createApiHandler } from '../pipeline/handle-request.js';
import { openAIChatAdapter } from '../pipeline/api/openai-chat.js';
import { openAIEmbeddingsAdapter } from '../pipeline/api/openai-embeddings.js';
import { openAIResponsesAdapter } from '../pipeline/api/openai-responses.js';
import { anthropicMessagesAdapter } from '../pipeline/api/anthropic-messages.js';
import { MODELS_ROUTE, createListModelsHandler, modelsShape } from '../pipeline/api/list-models.js';
import { COUNT_TOKENS_API, COUNT_TOKENS_ROUTE, createCountTokensHandler } from '../pipeline/api/count-tokens.js';
import { PASSTHROUGH_API, createPassthroughHandler } from '../pipeline/api/passthrough.js';
import type { ApiAdapter } from '../pipeline/api/types.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import { setState, stateOf, type RequestState } from '../pipeline/request-state.js';
import { sendError } from './error-body.js';
import type { AuthOutcome } from '../identity/index.js';
import type { ComponentStatus } from '../health.js';
import { callerErrorOf } from './caller-error.js';
import { createRecordTracker, createRefusalRecorder, type Refusal } from './refusal-record.js';
import { repeatedHeader, requireJsonBody, shapeOfRequest } from './request-guards.js';
import type { AdmissionGate, ShedReason } from './admission-gate.js';
import type { BodyRateGuard } from './body-rate.js';
import { addAdminRoutes } from './admin-routes.js';
import type { Tracing } from '../telemetry/tracing.js';
import { traceOf, traceRequest } from '../telemetry/request-trace-state.js';

export interface AppDeps extends PipelineDeps {
  /** Readiness of every component, by name; the gateway is ready when all are. */
  readiness(): Record<string, ComponentStatus>;
  /** True once shutdown has begun: new requests are refused. */
  shuttingDown(): boolean;
  inflight: { add(): void; done(): void };
  /** Bounds the requests processed and waiting; health endpoints do not pass it. */
  admission: AdmissionGate;
  bodyRate: BodyRateGuard;
  /** When set, /readyz and /metrics require it as a bearer token. */
  adminToken?: string;
  /** What /metrics answers when this process is one of several workers: all of them together. */
  metricsText?: () => Promise<string>;
  /** Spans for every request, when tracing is on. */
  tracing?: Tracing;
}

/** What a refused caller is told about each reason, for the ledger (5xx answers show only the catalogue's message). */
const SHED_DETAIL: Record<ShedReason, string> = {
  queue_full: 'Every processing slot and queue place was taken.',
  queue_wait: 'The request waited in the queue longer than server.max_queue_wait_ms.',
  event_loop_delay: 'The gateway was behind on the work it had (event-loop delay over server.max_event_loop_delay_ms).',
  memory_pressure: "The live heap was over server.max_heap_ratio of the process's heap limit.",
};

export function createApp(deps: AppDeps): express.Express {
  const { logger, metrics } = deps;
  const tracker = createRecordTracker(deps.audit);
  // Handlers publish through the tracker, so the error handler knows which refusals nobody recorded yet.
  const handlerDeps = new Proxy(deps, { get: (target, key, receiver) => (key === 'audit' ? tracker.audit : Reflect.get(target, key, receiver)) });
  const refusals = createRefusalRecorder({ audit: deps.audit, ids: deps.ids, gatewayId: deps.config.server.gateway_id, authenticator: deps.authenticator, metrics });
  const refusalOf = (req: Request, state: RequestState): Refusal => {
    const refusal: Refusal = { decisionId: state.decisionId, api: state.api, route: state.route };
    if (state.principal) refusal.principal = state.principal;
    if (req.socket.remoteAddress !== undefined) refusal.clientAddress = req.socket.remoteAddress;
    return refusal;
  };
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // RFC 9112 section 3.2: an HTTP/1.1 request without Host is refused. Node would answer a bare 400
  // itself; here the refusal is answered and recorded like any other.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(req.httpVersion === '1.1' && req.headers.host === undefined ? new GatewayError('GW_ERR_BAD_HTTP', { detail: 'The Host header is missing.' }) : undefined);
  });

  const adminDeps = { readiness: deps.readiness, shuttingDown: deps.shuttingDown, metrics, ids: deps.ids, refusals, logger, ...(deps.metricsText ? { metricsText: deps.metricsText } : {}) };
  addAdminRoutes(app, deps.adminToken !== undefined ? { ...adminDeps, adminToken: deps.adminToken } : adminDeps, deps.config.server.admin_port === undefined);

  const retryAfter = {
    seconds: String(Math.ceil(deps.config.server.retry_after_ms / 1000)),
    ms: String(deps.config.server.retry_after_ms),
  };
  /** Requests the gateway answered itself while their body was still arriving; a later error on them is not the caller's. */
  const cut = new WeakSet<Response>();

  /** Refuses a request the gateway has no room for: recorded (or counted) like any refusal, and cheap. */
  async function shed(req: Request, res: Response, reason: ShedReason): Promise<void> {
    const state = stateOf(res);
    metrics.requestsShed.inc({ reason });
    const error = new GatewayError('GW_ERR_OVERLOADED', { detail: SHED_DETAIL[reason], data: { reason } });
    let recorded = false;
    try {
      recorded = await refusals.record(refusalOf(req, state), error);
    } catch (auditErr) {
      // The answer stays the overload: nothing was forwarded, and the caller should come back all the same.
      logger.error({ err: auditErr, code: 'GW_ERR_AUDIT_UNAVAILABLE', decision_id: state.decisionId }, 'refusal could not be audited');
    }
    // One line per refusal at info would make the log itself a cost of the overload.
    logger.debug({ code: error.code, reason, decision_id: state.decisionId, recorded }, 'request shed');
    res.setHeader('retry-after', retryAfter.seconds);
    res.setHeader('retry-after-ms', retryAfter.ms);
    sendError(res, error, state.shape, { decisionId: state.decisionId });
  }

  /** Answers a body that trickles in with 408, then closes the connection it was coming on. */
  async function cutSlowBody(req: Request, res: Response): Promise<void> {
    const state = stateOf(res);
    cut.add(res);
    // No more bytes are parsed, so the body can never complete and reach a handler.
    req.socket.pause();
    metrics.connectionsRefused.inc({ reason: 'slow_body' });
    let error = new GatewayError('GW_ERR_BODY_TOO_SLOW', { detail: `Send the body at ${deps.config.server.min_body_bytes_per_s} bytes a second or faster.` });
    let recorded = false;
    try {
      recorded = await refusals.record(refusalOf(req, state), error);
    } catch (auditErr) {
      error = toGatewayError(auditErr);
      logger.error({ err: error.cause ?? error, code: error.code, decision_id: state.decisionId }, 'refusal could not be audited');
    }
    logger.info({ code: error.code, decision_id: state.decisionId, recorded }, 'request refused: body too slow');
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    res.setHeader('connection', 'close');
    res.once('finish', () => req.socket.destroy());
    sendError(res, error, state.shape, { decisionId: state.decisionId });
  }

  /** Opens a request: decision id, timing, error shape, in-flight accounting. */
  function begin(shape: ErrorShape, api: ApiName, route: string) {
    return (req: Request, res: Response, next: NextFunction): void => {
      const state = { decisionId: deps.ids.decisionId(), startedAt: deps.clock(), shape, api, route };
      setState(res, state);
      traceRequest(deps.tracing, res, { method: req.method, route, decisionId: state.decisionId });
      if (deps.shuttingDown()) {
        res.setHeader('connection', 'close');
        sendError(res, new GatewayError('GW_ERR_SHUTTING_DOWN'), shape, { decisionId: state.decisionId });
        return;
      }
      const end = metrics.requestDuration.startTimer({ route });
      let admitted = false;
      const leave = deps.admission.enter({
        admit: () => {
          admitted = true;
          deps.inflight.add();
          tracker.open(state.decisionId);
          const unwatch = deps.bodyRate.watch(req, () => void cutSlowBody(req, res).catch((failure: unknown) => {
            logger.error({ err: failure }, 'slow body answer failed');
            req.socket.destroy();
          }));
          res.once('close', unwatch);
          next();
        },
        refuse: (reason) => {
          shed(req, res, reason).catch(next);
        },
      });
      // A queued caller who leaves gives up its place; an admitted one frees its slot.
      res.once('close', () => {
        leave();
        metrics.requests.inc({ route, status: String(res.statusCode) });
        if (!admitted) return;
        tracker.close(state.decisionId);
        end();
        deps.inflight.done();
      });
    };
  }

  /** Credentials in a header sent twice would leave the caller's identity to the gateway's choice. */
  const credentialHeaders = ['authorization', 'x-api-key', ...deps.authenticator.identityHeaders];

  async function identify(req: Request): Promise<AuthOutcome> {
    const repeated = repeatedHeader(req.rawHeaders, credentialHeaders);
    if (repeated !== undefined) return { ok: false, error: new GatewayError('GW_ERR_AUTH_AMBIGUOUS', { detail: `The ${repeated} header was sent more than once.` }) };
    const remoteAddress = req.socket.remoteAddress;
    return deps.authenticator.authenticate({ headers: req.headers, ...(remoteAddress !== undefined ? { remoteAddress } : {}) });
  }

  /**
   * Identifies the caller. A refusal is audited (one small record, written before the body is
   * read; past `identity.denial_audit`'s rate refusals are counted into summary records instead)
   * and answered with an RFC 6750 challenge. If the refusal cannot be audited the answer is 503.
   */
  async function authenticate(req: Request, res: Response, next: NextFunction): Promise<void> {
    const state = stateOf(res);
    const outcome = await traceOf(res).step('palisade.authenticate', () => identify(req));
    // The person's token and a proxy's assertions are for the gateway only: nothing later may forward them.
    for (const h of deps.authenticator.identityHeaders) delete req.headers[h];
    if (outcome.ok) {
      state.principal = outcome.principal;
      next();
      return;
    }
    const { error } = outcome;
    const refusal = refusalOf(req, state);
    if (outcome.known) refusal.principal = outcome.known;
    const recorded = await refusals.record(refusal, error);
    if (error.status >= 500) logger.error({ err: error.cause ?? error, code: error.code, decision_id: state.decisionId, recorded }, 'identity could not be checked');
    else logger.info({ code: error.code, decision_id: state.decisionId, recorded }, 'request refused by identity');
    sendError(res, error, state.shape, { decisionId: state.decisionId });
  }

  // requireJsonBody has refused other declared types; a body without Content-Type is read as JSON too.
  const json = express.json({ limit: deps.config.server.body_limit_bytes, type: () => true, strict: false });

  /** Where a request that failed before reaching its route is recorded: its route when it has one. */
  const known: { api: ApiName; route: string; prefix: boolean }[] = [];
  const serve = (adapter: ApiAdapter): void => {
    known.push({ api: adapter.api, route: adapter.route, prefix: false });
    app.post(adapter.route, begin(adapter.shape, adapter.api, adapter.route), authenticate, requireJsonBody, json, createApiHandler(adapter, handlerDeps));
  };
  serve(openAIChatAdapter);
  serve(openAIEmbeddingsAdapter);
  serve(openAIResponsesAdapter);
  serve(anthropicMessagesAdapter);
  known.push({ api: COUNT_TOKENS_API, route: COUNT_TOKENS_ROUTE, prefix: false });
  app.post(COUNT_TOKENS_ROUTE, begin('anthropic', COUNT_TOKENS_API, COUNT_TOKENS_ROUTE), authenticate, requireJsonBody, json, createCountTokensHandler(handlerDeps));
  known.push({ api: 'models.list', route: MODELS_ROUTE, prefix: true });
  app.get([MODELS_ROUTE, `${MODELS_ROUTE}/*id`], begin('openai', 'models.list', MODELS_ROUTE), modelsShape, authenticate, createListModelsHandler(handlerDeps));
  // Raw bodies: a pass-through route forwards the caller's bytes as sent.
  for (const p of deps.config.passthrough) {
    known.push({ api: PASSTHROUGH_API, route: p.route, prefix: true });
    app.use(p.route, begin('openai', PASSTHROUGH_API, p.route), authenticate, createPassthroughHandler(p, handlerDeps));
  }

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new GatewayError('GW_ERR_NOT_FOUND', { detail: `${req.method} ${req.path}` }));
  });

  /** State for a request that failed before any route opened it (an unknown path, an unreadable URL). */
  function lateState(req: Request, res: Response): RequestState {
    const path = req.path;
    const at = known.find((k) => path === k.route || (k.prefix && path.startsWith(`${k.route}/`)));
    const state: RequestState = { decisionId: deps.ids.decisionId(), startedAt: deps.clock(), shape: shapeOfRequest(req), api: at?.api ?? 'unknown', route: at?.route ?? '*' };
    setState(res, state);
    return state;
  }

  /**
   * Answers an error in the caller's shape. A caller's mistake (4xx) that no handler recorded gets
   * its refusal record first, and is logged at info without a stack: callers must not be able to
   * fill the log with traces. Internal failures are logged with their cause.
   */
  async function answerError(err: unknown, req: Request, res: Response): Promise<void> {
    if (cut.has(res)) return;
    const state = res.locals['palisade'] === undefined ? lateState(req, res) : stateOf(res);
    let gwErr = isGatewayError(err) ? err : (callerErrorOf(err, req.headers) ?? new GatewayError('GW_ERR_INTERNAL', { cause: err }));
    let recorded = tracker.recorded(state.decisionId);
    if (gwErr.status < 500 && !recorded) {
      try {
        recorded = await refusals.record(refusalOf(req, state), gwErr);
      } catch (auditErr) {
        gwErr = toGatewayError(auditErr);
      }
    }
    const decisionId = state.decisionId;
    if (gwErr.status >= 500) logger.error({ err: gwErr.cause ?? gwErr, code: gwErr.code, decision_id: decisionId }, 'request failed');
    else logger.info({ code: gwErr.code, decision_id: decisionId, recorded }, 'request refused');
    if (res.headersSent) {
      res.end();
      return;
    }
    sendError(res, gwErr, state.shape, { decisionId });
  }

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    answerError(err, req, res).catch((failure: unknown) => {
      logger.error({ err: failure }, 'error answer failed');
      if (!res.headersSent) res.status(500).end();
      else res.end();
    });
  });
  return app;
}
