// The Express application: routes, the per-request middleware chain, and error mapping.
import express, { type NextFunction, type Request, type Response } from 'express';
import { GatewayError, isGatewayError, toGatewayError, type ErrorShape } from '../errors.js';
import { createApiHandler } from '../pipeline/handle-request.js';
import { openAIChatAdapter } from '../pipeline/api/openai-chat.js';
import { openAIEmbeddingsAdapter } from '../pipeline/api/openai-embeddings.js';
import { openAIResponsesAdapter } from '../pipeline/api/openai-responses.js';
import { anthropicMessagesAdapter } from '../pipeline/api/anthropic-messages.js';
import { MODELS_ROUTE, createListModelsHandler, modelsShape } from '../pipeline/api/list-models.js';
import { PASSTHROUGH_API, createPassthroughHandler } from '../pipeline/api/passthrough.js';
import type { ApiAdapter } from '../pipeline/api/types.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import { setState, stateOf, type RequestState } from '../pipeline/request-state.js';
import { errorBody, sendError } from './error-body.js';
import { challengeFor, type AuthOutcome } from '../identity/index.js';
import type { ComponentStatus } from '../audit/sink.js';
import { callerErrorOf } from './caller-error.js';
import { createRecordTracker, createRefusalRecorder, type Refusal } from './refusal-record.js';
import { repeatedHeader, requireJsonBody, shapeOfRequest } from './request-guards.js';

export interface AppDeps extends PipelineDeps {
  /** Readiness of every component, by name; the gateway is ready when all are. */
  readiness(): Record<string, ComponentStatus>;
  /** True once shutdown has begun: new requests are refused. */
  shuttingDown(): boolean;
  inflight: { add(): void; done(): void };
}

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

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const components = deps.readiness();
    const ready = !deps.shuttingDown() && Object.values(components).every((c) => c.ready);
    res.status(ready ? 200 : 503).json({ ready, components });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  /** Opens a request: decision id, timing, error shape, in-flight accounting. */
  function begin(shape: ErrorShape, api: string, route: string) {
    return (_req: Request, res: Response, next: NextFunction): void => {
      const state = { decisionId: deps.ids.decisionId(), startedAt: deps.clock(), shape, api, route };
      setState(res, state);
      if (deps.shuttingDown()) {
        res.setHeader('connection', 'close');
        sendError(res, new GatewayError('GW_ERR_SHUTTING_DOWN'), shape, { decisionId: state.decisionId });
        return;
      }
      deps.inflight.add();
      tracker.open(state.decisionId);
      const end = metrics.requestDuration.startTimer({ route });
      res.once('close', () => {
        tracker.close(state.decisionId);
        end();
        metrics.requests.inc({ route, status: String(res.statusCode) });
        deps.inflight.done();
      });
      next();
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
    const outcome = await identify(req);
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
    // Not sendError: it would replace the challenge's error code and description.
    const challenge = challengeFor(error);
    if (challenge !== undefined) res.setHeader('WWW-Authenticate', challenge);
    res.setHeader('x-palisade-decision-id', state.decisionId);
    res.status(error.status).json(errorBody(error, state.shape, { decisionId: state.decisionId }));
  }

  // requireJsonBody has refused other declared types; a body without Content-Type is read as JSON too.
  const json = express.json({ limit: deps.config.server.body_limit_bytes, type: () => true, strict: false });

  /** Where a request that failed before reaching its route is recorded: its route when it has one. */
  const known: { api: string; route: string; prefix: boolean }[] = [];
  const serve = (adapter: ApiAdapter): void => {
    known.push({ api: adapter.api, route: adapter.route, prefix: false });
    app.post(adapter.route, begin(adapter.shape, adapter.api, adapter.route), authenticate, requireJsonBody, json, createApiHandler(adapter, handlerDeps));
  };
  serve(openAIChatAdapter);
  serve(openAIEmbeddingsAdapter);
  serve(openAIResponsesAdapter);
  serve(anthropicMessagesAdapter);
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
