// Builds identity from the `identity` config: API keys, trusted issuers (JWT and introspection),
// the trusted proxy and the bound on refusal records; one status and one close for all of it.
import type { Registry } from 'prom-client';
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { IdentityConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { AuditIds } from '../audit/records.js';
import type { ComponentStatus } from '../health.js';
import { createApiKeyStore } from './api-keys.js';
import { createAuthenticator, type Authenticator } from './authenticate.js';
import { identityConfigProblems } from './config-problems.js';
import { createDenialAudit } from './denial-audit.js';
import { createIdentityMetrics } from './identity-metrics.js';
import { createIntrospector, type Introspector } from './introspection.js';
import { createIssuerClient, type FetchLike, type IssuerClient, type IssuerRequestKind } from './issuer-client.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { createTrustedProxy } from './trusted-proxy.js';

export type { Authenticator, IdentityRequest } from './authenticate.js';
export type { AuthFailure, AuthOutcome } from './auth-failure.js';
export { challengeFor } from './auth-failure.js';
export { identityConfigProblems } from './config-problems.js';
export { anonymousPrincipal, API_KEY_ISSUER, type Principal, type Actor } from './principal.js';

export interface IdentityDeps {
  fetch: FetchLike;
  clock: () => number;
  logger?: Logger;
  /** Where identity's Prometheus counters go. */
  registry?: Registry;
  /** The audit sink's publish, for summaries of refusals beyond the recorded rate. */
  publish(records: readonly AuditRecordV1[]): Promise<void>;
  ids: AuditIds & { decisionId(): string };
  gatewayId: string;
  /** The client secret of each introspecting issuer, by issuer, read by the configuration loader. */
  clientSecrets?: ReadonlyMap<string, string>;
}

export interface Identity {
  authenticator: Authenticator;
  /** Discovers every issuer and loads its keys, so the first requests fetch nothing. */
  warmUp(): Promise<void>;
  status(): ComponentStatus;
  /** How often each issuer was asked for what (the benchmark checks that keys are not fetched per request). */
  issuerRequests(): Record<string, Readonly<Record<IssuerRequestKind, number>>>;
  close(): Promise<void>;
}

export function createIdentity(config: IdentityConfig, deps: IdentityDeps): Identity {
  const problems = identityConfigProblems(config);
  if (problems.length > 0) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `\n  ${problems.join('\n  ')}`, data: { problems } });
  const metrics = createIdentityMetrics(deps.registry);

  const issuers: IssuerClient[] = config.oidc.map((o, i) => {
    const clientSecret = o.introspection ? deps.clientSecrets?.get(o.issuer) : undefined;
    if (o.introspection && clientSecret === undefined) {
      throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `/identity/oidc/${i}/introspection/client_secret_file: no client secret was read` });
    }
    return createIssuerClient(o, {
      fetch: deps.fetch,
      clock: deps.clock,
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(clientSecret !== undefined ? { clientSecret } : {}),
      onRequest: metrics.issuerRequest,
    });
  });
  const introspecting = issuers.find((i) => i.config.introspection !== undefined);
  const introspector: Introspector | undefined = introspecting
    ? createIntrospector(introspecting, { clock: deps.clock, ...(deps.logger ? { logger: deps.logger } : {}), onResult: metrics.introspection })
    : undefined;
  const apiKeys = createApiKeyStore({
    keys: config.api_keys,
    ...(config.api_keys_file !== undefined ? { file: config.api_keys_file } : {}),
    pollMs: config.api_keys_file_poll_ms,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  const denials = createDenialAudit({
    publish: deps.publish,
    ids: deps.ids,
    gatewayId: deps.gatewayId,
    clock: deps.clock,
    ratePerS: config.denial_audit.rate_per_s,
    burst: config.denial_audit.burst,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });

  const authenticator = createAuthenticator({
    apiKeys,
    jwt: createJwtVerifier(issuers, deps.clock, config.jwt_cache_entries),
    ...(introspector ? { introspector } : {}),
    ...(config.trusted_proxy ? { proxy: createTrustedProxy(config.trusted_proxy) } : {}),
    userTokenHeader: config.user_token_header,
    maxTokenBytes: config.max_token_bytes,
    clock: deps.clock,
    admitDenial(code, api, route) {
      const recorded = denials.admit(code, api, route);
      metrics.refusal(code, recorded);
      return recorded;
    },
  });

  return {
    authenticator,
    async warmUp() {
      await Promise.all(issuers.map((i) => i.warmUp()));
    },
    status() {
      const details = [apiKeys.status().detail, ...issuers.map((i) => i.problem())].filter((d): d is string => d !== undefined);
      // Issuer or keys-file trouble refuses the affected callers only; the gateway itself stays ready.
      return details.length === 0 ? { ready: true } : { ready: true, detail: details.join('; ') };
    },
    issuerRequests() {
      return Object.fromEntries(issuers.map((i) => [i.config.issuer, i.requests()]));
    },
    async close() {
      for (const i of issuers) i.close();
      apiKeys.close();
      await denials.close();
    },
  };
}
