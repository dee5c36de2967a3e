// Per-request state shared by the middleware chain, kept on res.locals with a typed accessor.
import type { Response } from 'express';
import type { ApiName } from '../api-names.js';
import type { ErrorShape } from '../errors.js';
import type { Principal } from '../identity/principal.js';

export interface RequestState {
  decisionId: string;
  startedAt: number;
  shape: ErrorShape;
  api: ApiName;
  route: string;
  principal?: Principal;
}

export function stateOf(res: Response): RequestState {
  return res.locals['palisade'] as RequestState;
}

export function setState(res: Response, state: RequestState): void {
  res.locals['palisade'] = state;
}
