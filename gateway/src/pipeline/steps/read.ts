// The read step of a modelled API: the body against the API's field table, then the model it
// names. A request refused here is recorded with the catalogue's message only, since the detail
// names keys and models the caller chose.
import type { AuditRecordV1 } from '@palisade/audit-core';
import { ERRORS, GatewayError, toGatewayError } from '../../errors.js';
import type { Authenticator } from '../../identity/authenticate.js';
import { sendError } from '../../http/error-body.js';
import type { ModelRoute, ProviderRegistry } from '../../providers/registry.js';
import type { ApiAdapter, ParsedRequest } from '../api/types.js';
import type { RequestContext } from './context.js';
import { recordDecision } from './record.js';

export interface ReadRequest {
  parsed: ParsedRequest;
  route: ModelRoute;
}

export interface ReadDeps {
  providers: Pick<ProviderRegistry, 'resolve'>;
  authenticator: Pick<Authenticator, 'admitDenial'>;
  gatewayId: string;
  unknownFields: 'refuse' | 'classify';
}

/** The parsed request and its model's route, or undefined once the refusal is recorded and answered. */
export async function readRequest(ctx: RequestContext, adapter: ApiAdapter, deps: ReadDeps): Promise<ReadRequest | undefined> {
  let parsed: ParsedRequest;
  try {
    parsed = await adapter.parse(ctx.req.body, { unknownFields: deps.unknownFields });
  } catch (err) {
    await refuseUnread(ctx, adapter, deps, toGatewayError(err));
    return undefined;
  }
  const route = deps.providers.resolve(parsed.model);
  if (!route || !route.provider.supports(parsed.api)) {
    // The name stays out of the record: a caller-chosen string that is not a configured model.
    await refuseUnread(ctx, adapter, deps, new GatewayError('GW_ERR_MODEL_NOT_FOUND'));
    return undefined;
  }
  return { parsed, route };
}

async function refuseUnread(ctx: RequestContext, adapter: ApiAdapter, deps: ReadDeps, err: GatewayError): Promise<void> {
  if (err.status >= 500) throw err;
  const answer = (): void => sendError(ctx.res, err, adapter.shape, { decisionId: ctx.state.decisionId });
  // A flood of bad bodies is counted into summary records past identity.denial_audit's rate.
  if (!deps.authenticator.admitDenial(err.code, adapter.api, adapter.route)) return answer();
  const request: AuditRecordV1['request'] = { api: adapter.api, route: adapter.route, stream: false };
  await recordDecision(ctx.records, { decisionId: ctx.state.decisionId, gatewayId: deps.gatewayId, principal: ctx.principal, request }, { error: { code: err.code, message: ERRORS[err.code].message } });
  answer();
}
