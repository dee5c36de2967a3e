// What every step of one request shares: the exchange, who is asking, the request's trace, and
// how its records are published. Opened once, after authentication, by the route's handler.
import type { Request, Response } from 'express';
import { GatewayError } from '../../errors.js';
import type { Commit } from '../../audit/commitment.js';
import type { MeteredPublish } from '../../audit/metered-publish.js';
import type { AuditIds } from '../../audit/records.js';
import type { Principal } from '../../identity/principal.js';
import type { RequestTrace } from '../../telemetry/request-trace.js';
import { traceOf } from '../../telemetry/request-trace-state.js';
import { stateOf, type RequestState } from '../request-state.js';
import type { RecordDeps } from './record.js';

export interface RequestContext {
  readonly req: Request;
  readonly res: Response;
  readonly state: RequestState;
  readonly principal: Principal;
  readonly trace: RequestTrace;
  /** The record steps' dependencies, publishing through this request's trace. */
  readonly records: RecordDeps;
}

export interface ContextDeps {
  ids: AuditIds;
  commit: Commit;
  publish: MeteredPublish;
}

export function openContext(req: Request, res: Response, deps: ContextDeps): RequestContext {
  const state = stateOf(res);
  // Routes that reach a handler are behind authentication; a missing principal is a wiring fault.
  if (!state.principal) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'no principal' });
  const trace = traceOf(res);
  return { req, res, state, principal: state.principal, trace, records: { ids: deps.ids, commit: deps.commit, publish: trace.commit(deps.publish) } };
}
