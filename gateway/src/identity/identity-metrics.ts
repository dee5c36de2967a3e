// Prometheus counters for identity: refusals, calls to issuers (a key fetch on the request path
// shows up here), and introspection answers.
import { Counter, type Registry } from 'prom-client';
import type { IssuerRequestKind } from './issuer-client.js';
import type { IntrospectionResult } from './introspection.js';

export interface IdentityMetrics {
  refusal(code: string, recorded: boolean): void;
  issuerRequest(issuer: string, kind: IssuerRequestKind): void;
  introspection(issuer: string, result: IntrospectionResult): void;
}

export function createIdentityMetrics(registry: Registry | undefined): IdentityMetrics {
  if (!registry) return { refusal() {}, issuerRequest() {}, introspection() {} };
  const registers = [registry];
  const refusals = new Counter({
    name: 'palisade_identity_refusals_total',
    help: 'Requests refused by identity, by code and whether they got their own audit record',
    labelNames: ['code', 'recorded'],
    registers,
  });
  const issuerRequests = new Counter({ name: 'palisade_identity_issuer_requests_total', help: 'HTTP requests to identity issuers', labelNames: ['issuer', 'kind'], registers });
  const introspections = new Counter({ name: 'palisade_identity_introspections_total', help: 'Token introspection answers', labelNames: ['issuer', 'result'], registers });
  return {
    refusal: (code, recorded) => refusals.inc({ code, recorded: String(recorded) }),
    issuerRequest: (issuer, kind) => issuerRequests.inc({ issuer, kind }),
    introspection: (issuer, result) => introspections.inc({ issuer, result }),
  };
}
