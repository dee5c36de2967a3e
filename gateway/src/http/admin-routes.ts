// /healthz, /readyz and /metrics. Readiness and metrics tell whoever can reach them what the
// gateway runs and how it fares, so they can require a bearer token (`server.admin_token_file`)
// or live on their own listener (`server.admin_port`). /healthz says only that the process is up
// and stays open for load balancers. None of them passes the admission gate: they must answer
// most of all when the gateway is shedding load.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GatewayError } from '../errors.js';
import type { ComponentStatus } from '../health.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { Logger } from '../logging/logger.js';
import { errorBody } from './error-body.js';
import type { RefusalRecorder } from './refusal-record.js';

export interface AdminDeps {
  readiness(): Record<string, ComponentStatus>;
  shuttingDown(): boolean;
  metrics: Pick<GatewayMetrics, 'registry'>;
  ids: { decisionId(): string };
  refusals: RefusalRecorder;
  logger: Logger;
  /** When set, /readyz and /metrics require `Authorization: Bearer <token>`. */
  adminToken?: string;
  /** The exposition of every worker's metrics together, when this process is one of several. */
  metricsText?: () => Promise<string>;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Compares digests, so neither the token's length nor its bytes show in the time taken. */
function tokenMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
}

function requireToken(deps: AdminDeps): express.RequestHandler {
  if (deps.adminToken === undefined) return (_req, _res, next) => next();
  const expected = digest(deps.adminToken);
  return (req: Request, res: Response, next: NextFunction) => {
    if (tokenMatches(req.headers.authorization, expected)) {
      next();
      return;
    }
    const error = new GatewayError(req.headers.authorization === undefined ? 'GW_ERR_AUTH_MISSING' : 'GW_ERR_AUTH_INVALID');
    const decisionId = deps.ids.decisionId();
    const address = req.socket.remoteAddress;
    const answer = (recorded: boolean): void => {
      deps.logger.info({ code: error.code, decision_id: decisionId, recorded, route: req.path }, 'admin request refused');
      res.setHeader('WWW-Authenticate', `Bearer realm="palisade-admin"${error.code === 'GW_ERR_AUTH_MISSING' ? '' : ', error="invalid_token"'}`);
      res.setHeader('x-palisade-decision-id', decisionId);
      res.status(error.status).json(errorBody(error, 'openai', { decisionId }));
    };
    deps.refusals.record({ decisionId, api: 'admin', route: req.path, ...(address !== undefined ? { clientAddress: address } : {}) }, error).then(answer, (auditErr: unknown) => {
      const failure = auditErr instanceof GatewayError ? auditErr : new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause: auditErr });
      deps.logger.error({ err: failure.cause ?? failure, code: failure.code, decision_id: decisionId }, 'refusal could not be audited');
      res.setHeader('x-palisade-decision-id', decisionId);
      res.status(failure.status).json(errorBody(failure, 'openai', { decisionId }));
    });
  };
}

/** Adds /healthz, and /readyz and /metrics unless `withAdmin` is false (they are served elsewhere). */
export function addAdminRoutes(app: express.Express, deps: AdminDeps, withAdmin: boolean): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (!withAdmin) return;
  const guard = requireToken(deps);
  app.get('/readyz', guard, (_req, res) => {
    const components = deps.readiness();
    const ready = !deps.shuttingDown() && Object.values(components).every((c) => c.ready);
    res.status(ready ? 200 : 503).json({ ready, components });
  });
  app.get('/metrics', guard, async (_req, res) => {
    let text: string;
    try {
      text = await (deps.metricsText ?? (() => deps.metrics.registry.metrics()))();
    } catch (err) {
      // With workers, one that is restarting can leave the sum incomplete: say so rather than
      // serve part of the gateway's counters as if they were all of them.
      deps.logger.warn({ err }, 'metrics of every worker not collected');
      res.status(503).type('text/plain').send('metrics of every worker not collected; retry\n');
      return;
    }
    res.setHeader('content-type', deps.metrics.registry.contentType);
    res.send(text);
  });
}

/** The application of the separate admin listener. */
export function createAdminApp(deps: AdminDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  addAdminRoutes(app, deps, true);
  app.use((req: Request, res: Response) => {
    const error = new GatewayError('GW_ERR_NOT_FOUND');
    const decisionId = deps.ids.decisionId();
    const address = req.socket.remoteAddress;
    const answer = (failure?: unknown): void => {
      const shown = failure === undefined ? error : new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause: failure });
      if (failure !== undefined) deps.logger.error({ err: failure, code: shown.code, decision_id: decisionId }, 'refusal could not be audited');
      res.setHeader('x-palisade-decision-id', decisionId);
      res.status(shown.status).json(errorBody(shown, 'openai', { decisionId }));
    };
    deps.refusals.record({ decisionId, api: 'admin', route: '*', ...(address !== undefined ? { clientAddress: address } : {}) }, error).then(() => answer(), answer);
  });
  return app;
}
