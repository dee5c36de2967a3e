// The Express application: routes, the per-request middleware chain, and error mapping.
import express, { type NextFunction, type Request, type Response } from 'express';
import { GatewayError, isGatewayError, type ErrorShape } from '../errors.js';
import { createApiHandler } from '../pipeline/handle-request.js';
import { openAIChatAdapter } from '../pipeline/api/openai-chat.js';
import { openAIEmbeddingsAdapter } from '../pipeline/api/openai-embeddings.js';
import { openAIResponsesAdapter } from '../pipeline/api/openai-responses.js';
import { anthropicMessagesAdapter } from '../pipeline/api/anthropic-messages.js';
import { MODELS_ROUTE, createListModelsHandler, modelsShape } from '../pipeline/api/list-models.js';
import { PASSTHROUGH_API, createPassthroughHandler } from '../pipeline/api/passthrough.js';
import type { ApiAdapter } from '../pipeline/api/types.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import { setState, stateOf } from '../pipeline/request-state.js';
import { errorBody, sendError } from './error-body.js';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { decisionRecord } from '../audit/records.js';
import { anonymousPrincipal, challengeFor } from '../identity/index.js';
import type { ComponentStatus } from '../audit/sink.js';

export interface AppDeps extends PipelineDeps {
  /** Readiness of every component, by name; the gateway is ready when all are. */
  readiness(): Record<string, ComponentStatus>;
  /** True once shutdown has begun: new requests are refused. */
  shuttingDown(): boolean;
  inflight: { add(): void; done(): void };
}

/** Maps body-parser's error types (stable strings in its docs) onto our codes. */
function bodyParserError(err: unknown): GatewayError | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const type = (err as { type?: unknown }).type;
  switch (type) {
    case 'entity.too.large':
      return new GatewayError('GW_ERR_BODY_TOO_LARGE', { cause: err });
    case 'entity.parse.failed':
      return new GatewayError('GW_ERR_BAD_JSON', { cause: err });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', { cause: err });
    case 'request.aborted':
    case 'request.size.invalid':
      return new GatewayError('GW_ERR_BAD_REQUEST', { cause: err });
    default:
      return undefined;
  }
}

export function createApp(deps: AppDeps): express.Express {
  const { logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

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
      const end = metrics.requestDuration.startTimer({ route });
      res.once('close', () => {
        end();
        metrics.requests.inc({ route, status: String(res.statusCode) });
        deps.inflight.done();
      });
      next();
    };
  }

  /**
   * Identifies the caller. A refusal is audited (one small record, written before the body is
   * read; past `identity.denial_audit`'s rate refusals are counted into summary records instead)
   * and answered with an RFC 6750 challenge. If the refusal cannot be audited the answer is 503.
   */
  async function authenticate(req: Request, res: Response, next: NextFunction): Promise<void> {
    const state = stateOf(res);
    const remoteAddress = req.socket.remoteAddress;
    const outcome = await deps.authenticator.authenticate({ headers: req.headers, ...(remoteAddress !== undefined ? { remoteAddress } : {}) });
    // The person's token and a proxy's assertions are for the gateway only: nothing later may forward them.
    for (const h of deps.authenticator.identityHeaders) delete req.headers[h];
    if (outcome.ok) {
      state.principal = outcome.principal;
      next();
      return;
    }
    const { error } = outcome;
    const recorded = deps.authenticator.admitDenial(error.code, state.api, state.route);
    if (recorded) {
      const request: AuditRecordV1['request'] = { api: state.api, route: state.route, stream: false };
      if (remoteAddress !== undefined) request.client_address = remoteAddress;
      const base = { decisionId: state.decisionId, gatewayId: deps.config.server.gateway_id, principal: outcome.known ?? anonymousPrincipal(), request };
      const record = decisionRecord(deps.ids, base, {});
      record.error = { code: error.code, message: error.message };
      try {
        await deps.audit.publish([record]);
      } catch (cause) {
        metrics.auditFailures.inc({ phase: 'decision' });
        throw isGatewayError(cause) && cause.code === 'GW_ERR_AUDIT_UNAVAILABLE' ? cause : new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause });
      }
    }
    if (error.status >= 500) logger.error({ err: error.cause ?? error, code: error.code, decision_id: state.decisionId, recorded }, 'identity could not be checked');
    else logger.info({ code: error.code, decision_id: state.decisionId, recorded }, 'request refused by identity');
    // Not sendError: it would replace the challenge's error code and description.
    const challenge = challengeFor(error);
    if (challenge !== undefined) res.setHeader('WWW-Authenticate', challenge);
    res.setHeader('x-palisade-decision-id', state.decisionId);
    res.status(error.status).json(errorBody(error, state.shape, { decisionId: state.decisionId }));
  }

  // Any content type is read as JSON: curl's default form type would otherwise look like an empty body.
  const json = express.json({ limit: deps.config.server.body_limit_bytes, type: () => true, strict: false });

  const serve = (adapter: ApiAdapter): void => {
    app.post(adapter.route, begin(adapter.shape, adapter.api, adapter.route), authenticate, json, createApiHandler(adapter, deps));
  };
  serve(openAIChatAdapter);
  serve(openAIEmbeddingsAdapter);
  serve(openAIResponsesAdapter);
  serve(anthropicMessagesAdapter);
  app.get([MODELS_ROUTE, `${MODELS_ROUTE}/*id`], begin('openai', 'models.list', MODELS_ROUTE), modelsShape, authenticate, createListModelsHandler(deps));
  // Raw bodies: a pass-through route forwards the caller's bytes as sent.
  for (const p of deps.config.passthrough) app.use(p.route, begin('openai', PASSTHROUGH_API, p.route), authenticate, createPassthroughHandler(p, deps));

  app.use((req: Request, res: Response) => {
    sendError(res, new GatewayError('GW_ERR_NOT_FOUND', { detail: `${req.method} ${req.path}` }), 'openai');
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const state = res.locals['palisade'] === undefined ? undefined : stateOf(res);
    const gwErr = isGatewayError(err) ? err : bodyParserError(err) ?? new GatewayError('GW_ERR_INTERNAL', { cause: err });
    const decisionId = state?.decisionId;
    if (gwErr.status >= 500) {
      logger.error({ err: gwErr.cause ?? gwErr, code: gwErr.code, decision_id: decisionId }, 'request failed');
    } else {
      logger.info({ code: gwErr.code, decision_id: decisionId }, 'request refused');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendError(res, gwErr, state?.shape ?? 'openai', decisionId ? { decisionId } : {});
  });
  return app;
}
