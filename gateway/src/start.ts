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
import { createAdmissionGate } from './http/admission-gate.js';
import { warmTokenizer } from './tokens/estimate-tokens.js';
import { createBodyRateGuard } from './http/body-rate.js';
import { createLagMonitor } from './http/event-loop-lag.js';
import { createHeapPressure } from './http/heap-pressure.js';
import { createAdminApp } from './http/admin-routes.js';
import { isLoopback } from './http/admin-token.js';
import { createIds } from './ids.js';
import { createSharedState } from './limits/shared-state.js';
import type { DestinationStream } from 'pino';
import type { ComponentStatus } from './health.js';
import type { CacheStore } from './cache/index.js';
import type { LimitStore } from './limits/limit-store.js';
import type { Registry } from 'prom-client';
import { createTracing } from './telemetry/tracing.js';
import { consoleReadiness, startEmbeddedConsole, withConsole } from './audit-console/embedded-console.js';
import { createConfigReloader, type ReloadReport } from './telemetry/config-reload.js';

export interface StartDeps {
  fetch?: typeof fetch;
  clock?: () => number;
  /** Where log lines go (stdout when omitted). */
  logDestination?: DestinationStream;
  /**
   * How to re-read the configuration file. When given, `signal` (SIGHUP by default) re-reads it
   * and applies what can change while running (telemetry/config-reload.ts).
   */
  reload?: { load: () => LoadedConfig; signal?: NodeJS.Signals };
  /** Set when this process is one of several workers serving one port (workers/worker.ts). */
  worker?: WorkerRole;
}

export interface WorkerRole {
  /** 1 to the number of workers; a restarted worker keeps the slot of the one it replaces. */
  slot: number;
  /** The primary's limit and cache stores, used where the config says `memory`. */
  memoryStores: { limits: LimitStore; cache: CacheStore };
  /** The readiness of every worker, as the primary last told it, for /readyz. */
  peers(): ComponentStatus;
  /** Resolves once every worker has this bundle ready to switch to (workers/bundle-barrier.ts). */
  agreeOnBundle(bundle: { digest: string; revision: string }): Promise<void>;
  /** Offers this worker's metrics to the primary, which sums every worker's for /metrics. */
  shareMetrics(registry: Registry): void;
  /** Every worker's metrics together, from the primary. */
  clusterMetrics(): Promise<string>;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  /** The admin listener's URL, when `server.admin_port` is set. */
  readonly adminUrl?: string;
  readonly logger: Logger;
  /** What /readyz reports, by component. */
  readiness(): Record<string, ComponentStatus>;
  /** Re-reads the configuration (as the reload signal does); undefined when it could not be loaded or no reload is configured. */
  reload(): ReloadReport | undefined;
  close(): Promise<void>;
}

export async function startGateway(loaded: LoadedConfig, deps: StartDeps = {}): Promise<RunningGateway> {
  const { config } = loaded;
  const clock = deps.clock ?? Date.now;
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const logger = createLogger({
    level: config.log.level,
    base: { service: 'palisade-gateway', gateway_id: config.server.gateway_id, ...(deps.worker ? { worker: String(deps.worker.slot) } : {}) },
    secretHeaders: [config.identity.user_token_header],
    ...(deps.logDestination ? { destination: deps.logDestination } : {}),
  });
  const metrics = createMetrics({ defaultMetrics: true });
  deps.worker?.shareMetrics(metrics.registry);
  const tracing = createTracing(config.telemetry, { gatewayId: config.server.gateway_id, providers: config.providers, clock, otlpHeaders: loaded.secrets.otlpHeaders });
  const ids = createIds(clock);

  // Custom classes from the config are compiled here, so a bad pattern stops the start with its
  // path; those a bundle ships are compiled when it activates, and refuse it when they are bad.
  const classifiers = createClassifierSource(config.classify);
  // Until a verified bundle is active the gateway is not ready and every request is refused.
  const policyService = await startPolicyService(config.policy, {
    logger,
    fetch: fetchImpl,
    clock,
    metrics: metrics.registry,
    prepare: (bundle) => classifiers.prepare(bundle),
    ...(deps.worker ? { agree: deps.worker.agreeOnBundle } : {}),
  });
  const policy = policyService.engine;

  const redactionKey = loadRedactionKey(loaded.secrets.redactionHashKey);
  if (redactionKey.ephemeral) logger.warn('redaction.hash_key_file is not set: hashed values are comparable only within this process');
  // Each worker writes a log of its own: a log has one writer.
  const audit = await createAuditSink(config.audit, logger, deps.worker ? { part: `worker-${deps.worker.slot}` } : {}).catch((err: unknown) => refuseOnDamagedLedger(err, logger));
  const commit = createContentCommit(config.audit, { classifyMany: (texts) => classifiers.current.classifyMany(texts) }, clock);
  // The console keeps sessions and its index in one process; with workers it runs beside the ledger
  // instead (palisade-audit serve --console), as the primary says at start.
  const auditConsole = deps.worker ? undefined : await startEmbeddedConsole(config, { audit, logger, clock });
  const identity = createIdentity(config.identity, {
    fetch: fetchImpl,
    clock,
    logger: logger.child({ component: 'identity' }),
    registry: metrics.registry,
    publish: (records) => audit.publish(records),
    ids,
    gatewayId: config.server.gateway_id,
    clientSecrets: loaded.secrets.introspectionSecrets,
  });
  const shared = await createSharedState(config, {
    clock,
    logger,
    registry: metrics.registry,
    ...(loaded.secrets.redisPassword !== undefined ? { redisPassword: loaded.secrets.redisPassword } : {}),
    ...(deps.worker ? { memoryStores: deps.worker.memoryStores } : {}),
  });
  void identity.warmUp();
  warmTokenizer();

  const providers = createProviderRegistry(config, { clock, newId: () => ids.decisionId().replaceAll('-', ''), providerKeys: loaded.providerKeys, metrics: metrics.registry });

  const serverConfig = config.server;
  const lag = createLagMonitor({ thresholdMs: serverConfig.max_event_loop_delay_ms, onWindow: (p99Ms) => metrics.eventLoopDelayP99.set(p99Ms / 1000) });
  const heap = createHeapPressure({ maxRatio: serverConfig.max_heap_ratio, onReading: (ratio) => metrics.heapLiveRatio.set(ratio) });
  const admission = createAdmissionGate({
    maxConcurrent: serverConfig.max_concurrent,
    maxQueue: serverConfig.max_queue,
    maxQueueWaitMs: serverConfig.max_queue_wait_ms,
    maxQueueWaitRatio: serverConfig.max_queue_wait_ratio,
    lagging: () => lag.lagging(),
    pressed: () => heap.pressed(),
    onChange: (active, queued) => {
      metrics.requestsActive.set(active);
      metrics.requestsQueued.set(queued);
    },
  });
  const bodyRate = createBodyRateGuard({ minBytesPerS: serverConfig.min_body_bytes_per_s, graceMs: serverConfig.body_rate_grace_ms, clock });
  const { adminToken } = loaded.secrets;
  if (adminToken === undefined && serverConfig.admin_port === undefined && !isLoopback(serverConfig.host)) {
    logger.warn({ host: serverConfig.host }, '/metrics and /readyz are open to anyone who can reach the gateway: set server.admin_token_file or server.admin_port');
  }

  const readiness = (): Record<string, ComponentStatus> => ({
    policy: policyService.status(),
    audit: audit.status(),
    identity: identity.status(),
    providers: providers.status(),
    limits: shared.limits.status(),
    cache: shared.cache.status(),
    ...(auditConsole ? { console: consoleReadiness(auditConsole) } : {}),
    ...(deps.worker ? { workers: deps.worker.peers() } : {}),
  });
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
    readiness,
    shuttingDown: () => shuttingDown,
    admission,
    bodyRate,
    tracing,
    ...(adminToken !== undefined ? { adminToken } : {}),
    ...(deps.worker ? { metricsText: deps.worker.clusterMetrics } : {}),
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
  const server: Server = createGatewayServer(withConsole(app, auditConsole), {
    refusals,
    ids,
    logger,
    limits: {
      headersTimeoutMs: serverConfig.headers_timeout_ms,
      requestTimeoutMs: serverConfig.request_timeout_ms,
      maxConnections: serverConfig.max_connections,
      ...(serverConfig.max_connections_per_ip !== undefined ? { maxConnectionsPerIp: serverConfig.max_connections_per_ip } : {}),
    },
    onConnectionRefused: (reason) => metrics.connectionsRefused.inc({ reason }),
  });
  const listen = (s: Server, port: number, host: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => resolve());
    });
  await listen(server, config.server.port, config.server.host);
  let adminServer: Server | undefined;
  let adminUrl: string | undefined;
  if (serverConfig.admin_port !== undefined) {
    const adminApp = createAdminApp({
      readiness,
      shuttingDown: () => shuttingDown,
      metrics,
      ids,
      refusals,
      logger,
      ...(adminToken !== undefined ? { adminToken } : {}),
      ...(deps.worker ? { metricsText: deps.worker.clusterMetrics } : {}),
    });
    adminServer = createGatewayServer(adminApp, { refusals, ids, logger, limits: { headersTimeoutMs: serverConfig.headers_timeout_ms, requestTimeoutMs: serverConfig.request_timeout_ms, maxConnections: 256 } });
    const adminHost = serverConfig.admin_host ?? serverConfig.host;
    await listen(adminServer, serverConfig.admin_port, adminHost).catch((err: unknown) => {
      server.close();
      lag.close();
      heap.close();
      throw err;
    });
    const a = adminServer.address();
    adminUrl = `http://${adminHost.includes(':') ? `[${adminHost}]` : adminHost}:${typeof a === 'object' && a ? a.port : serverConfig.admin_port}`;
    logger.info({ url: adminUrl }, 'admin endpoints listening');
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, ...(auditConsole ? { console: `${url}/console/` } : {}) }, 'gateway listening');
  const reloader = deps.reload ? createConfigReloader(loaded, { load: deps.reload.load, logger }) : undefined;
  const reloadSignal = deps.reload?.signal ?? 'SIGHUP';
  const onReloadSignal = (): void => void reloader?.reload();
  if (reloader) process.on(reloadSignal, onReloadSignal);

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    shuttingDown = true;
    if (reloader) process.off(reloadSignal, onReloadSignal);
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
    adminServer?.close();
    adminServer?.closeAllConnections();
    lag.close();
    heap.close();
    bodyRate.close();
    await providers.close();
    await shared.close();
    // Identity first: its last summary of refused requests goes to the audit sink before that closes.
    await identity.close();
    await auditConsole?.close();
    await audit.close();
    await policyService.close();
    // Last: the spans of the requests just drained are exported before the process goes.
    await tracing.close().catch((err: unknown) => logger.warn({ err }, 'traces not exported at shutdown'));
    logger.info('gateway stopped');
  }
  return {
    url,
    port,
    ...(adminUrl !== undefined ? { adminUrl } : {}),
    logger,
    readiness,
    reload: () => reloader?.reload(),
    close: () => (closing ??= close()),
  };
}
