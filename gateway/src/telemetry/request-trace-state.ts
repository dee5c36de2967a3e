// Where a request's trace is kept between the middleware that opens it and the handlers, beside
// the request's other state on res.locals. An untraced request keeps nothing there.
import type { Response } from 'express';
import { untraced, type RequestTrace } from './request-trace.js';
import type { Tracing } from './tracing.js';

const KEY = 'palisade.trace';

export function traceOf(res: Response): RequestTrace {
  return (res.locals[KEY] as RequestTrace | undefined) ?? untraced();
}

/** Opens the request's trace when tracing is on; it ends when the response closes. */
export function traceRequest(tracing: Tracing | undefined, res: Response, request: { method: string; route: string; decisionId: string }): void {
  if (!tracing?.enabled) return;
  const requestTrace = tracing.open(request);
  res.locals[KEY] = requestTrace;
  res.once('close', () => requestTrace.end(res.statusCode));
}
