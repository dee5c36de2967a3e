// The Express application: routes, the per-request middleware chain, and error mapping.
import express, { type NextFunction, type Request, type Response } from 'express';
import { GatewayError, isGatewayError, type ErrorShape } from '../errors.js';
import { createApiHandler } from '../pipeline/handle-request.js';
import { openAIChatAdapter } from '../pipeline/api/openai-chat.js';
import type { ApiAdapter } from '../pipeline/api/types.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import { setState, stateOf } from '../pipeline/request-state.js';
import { sendError } from './error-body.js';
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

  async function authenticate(req: Request, res: Response, next: NextFunction): Promise<void> {
    const xApiKey = req.headers['x-api-key'];
    stateOf(res).principal = await deps.authenticator.authenticate(req.headers.authorization, typeof xApiKey === 'string' ? xApiKey : undefined);
    next();
  }

  // Any content type is read as JSON: curl's default form type would otherwise look like an empty body.
  const json = express.json({ limit: deps.config.server.body_limit_bytes, type: () => true, strict: false });

  const serve = (adapter: ApiAdapter): void => {
    app.post(adapter.route, begin(adapter.shape, adapter.api, adapter.route), authenticate, json, createApiHandler(adapter, deps));
  };
  serve(openAIChatAdapter);

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
