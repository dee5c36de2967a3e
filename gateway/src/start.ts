// The composition root: builds every component from the validated config and the injected
// dependencies, serves HTTP, and shuts down in order (stop accepting, drain, flush audit, close).
import type { Server } from 'node:http';
import type { LoadedConfig } from './config/load-config.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createMetrics } from './metrics/metrics.js';
import { createClassifierSource } from './classify/index.js';
import { loadRedactionKey } from './redact/index.js';
import { startPolicyService } from './policy/index.js';
import { createIdentity } from './identity/index.js';
import { createProviderRegistry } from './providers/registry.js';
import { createAuditSink, createContentCommit } from './audit/build-audit.js';
import { refuseOnDamagedLedger } from './audit/ledger-sink.js';
import { createApp } from './http/app.js';
import { createRefusalRecorder } from './http/refusal-record.js';
import { createGatewayServer } from './http/server.js';
import { createIds } from './ids.js';
import { createSharedState } from './limits/shared-state.js';
import type { DestinationStream } from 'pino';

export interface StartDeps {
  fetch?: typeof fetch;
  clock?: () => number;
  /** Where log lines go (stdout when omitted). */
  logDestination?: DestinationStream;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly logger: Logger;
  close(): Promise<void>;
}

export async function startGateway(loaded: LoadedConfig, deps: StartDeps = {}): Promise<RunningGateway> {
  const { config } = loaded;
  const clock = deps.clock ?? Date.now;
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const logger = createLogger({
    level: config.log.level,
    base: { service: 'palisade-gateway', gateway_id: config.server.gateway_id },
    secretHeaders: [config.identity.user_token_header],
    ...(deps.logDestination ? { destination: deps.logDestination } : {}),
  });
  const metrics = createMetrics({ defaultMetrics: true });
  const ids = createIds(clock);

  // Custom classes from the config are compiled here, so a bad pattern stops the start with its
  // path; those a bundle ships are compiled when it activates, and refuse it when they are bad.
  const classifiers = createClassifierSource(config.classify);
  // Until a verified bundle is active the gateway is not ready and every request is refused.
  const policyService = await startPolicyService(config.policy, { logger, fetch: fetchImpl, clock, metrics: metrics.registry, prepare: (bundle) => classifiers.prepare(bundle) });
  const policy = policyService.engine;

  const redactionKey = loadRedactionKey(config.redaction.hash_key_file);
  if (redactionKey.ephemeral) logger.warn('redaction.hash_key_file is not set: hashed values are comparable only within this process');
  const audit = await createAuditSink(config.audit, logger).catch((err: unknown) => refuseOnDamagedLedger(err, logger));
  const commit = createContentCommit(config.audit, { classifyMany: (texts) => classifiers.current.classifyMany(texts) }, clock);
  const identity = createIdentity(config.identity, {
    fetch: fetchImpl,
    clock,
    logger: logger.child({ component: 'identity' }),
    registry: metrics.registry,
    publish: (records) => audit.publish(records),
    ids,
    gatewayId: config.server.gateway_id,
  });
  const shared = await createSharedState(config, { clock, logger, registry: metrics.registry });
  void identity.warmUp();

  const providers = createProviderRegistry(config, { clock, newId: () => ids.decisionId().replaceAll('-', ''), providerKeys: loaded.providerKeys, metrics: metrics.registry });

  let shuttingDown = false;
  let inflight = 0;
  let idle: (() => void) | undefined;
  const app = createApp({
    config,
    authenticator: identity.authenticator,
    // Read per request: the classifier changes with the enforced bundle's data classes.
    get classifier() {
      return classifiers.current;
    },
    redaction: { hashKey: redactionKey.key, restore: config.redaction.restore },
    policy,
    audit,
    providers,
    commit,
    ids,
    clock,
    logger,
    metrics,
    limits: shared.limits,
    cache: shared.cache,
    readiness: () => ({ policy: policyService.status(), audit: audit.status(), identity: identity.status(), providers: providers.status(), limits: shared.limits.status(), cache: shared.cache.status() }),
    shuttingDown: () => shuttingDown,
    inflight: {
      add: () => {
        inflight++;
      },
      done: () => {
        inflight--;
        if (inflight === 0) idle?.();
      },
    },
  });

  const refusals = createRefusalRecorder({ audit, ids, gatewayId: config.server.gateway_id, authenticator: identity.authenticator, metrics });
  const server: Server = createGatewayServer(app, { refusals, ids, logger });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}`;
  logger.info({ url }, 'gateway listening');

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    shuttingDown = true;
    server.close();
    server.closeIdleConnections();
    if (inflight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, config.server.shutdown_grace_ms);
        idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    server.closeAllConnections();
    await providers.close();
    await shared.close();
    // Identity first: its last summary of refused requests goes to the audit sink before that closes.
    await identity.close();
    await audit.close();
    await policyService.close();
    logger.info('gateway stopped');
  }
  return {
    url,
    port,
    logger,
    close: () => (closing ??= close()),
  };
}
