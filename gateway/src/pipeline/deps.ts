// What the request pipeline is built from; assembled once in start.ts and passed in.
import type { GatewayConfig } from '../config/schema.js';
import type { Classifier } from '../classify/index.js';
import type { PolicyEngine } from '../policy/index.js';
import type { AuditSink } from '../audit/sink.js';
import type { AuditIds } from '../audit/records.js';
import type { Commit } from '../audit/commitment.js';
import type { Authenticator } from '../identity/authenticate.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Logger } from '../logging/logger.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { Limits } from '../limits/index.js';
import type { ResponseCache } from '../cache/index.js';

export interface PipelineDeps {
  config: Readonly<GatewayConfig>;
  authenticator: Authenticator;
  classifier: Classifier;
  policy: PolicyEngine;
  audit: AuditSink;
  providers: ProviderRegistry;
  commit: Commit;
  ids: AuditIds & { decisionId(): string };
  clock: () => number;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Rate limits and spend budgets: admission before forwarding, usage correction after. */
  limits: Limits;
  cache: ResponseCache;
  redaction: {
    /** HMAC key of the `hash` operator. */
    hashKey: Uint8Array;
    /** Reversible mode: the prompt's placeholders are restored in the answer. */
    restore: boolean;
  };
}
