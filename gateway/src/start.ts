// The composition root: builds every component from the validated config and the injected
// dependencies, serves HTTP, and shuts down in order (stop accepting, drain, flush audit, close).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kafka, logLevel as kafkaLogLevel, type logCreator } from 'kafkajs';
import { loadOrCreateNoteKey, loadNoteKey, openTileLog } from '@palisade/audit-consumer';
import type { LoadedConfig } from './config/load-config.js';
import type { GatewayConfig } from './config/schema.js';
import { GatewayError } from './errors.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createMetrics } from './metrics/metrics.js';
import { createClassifier } from './classify/index.js';
import { createPolicyEngine } from './policy/index.js';
import { createApiKeyStore } from './identity/api-keys.js';
import { createOidcVerifier } from './identity/oidc.js';
import { createAuthenticator } from './identity/authenticate.js';
import { createProviderRegistry } from './providers/registry.js';
import { createCommitter } from './audit/commitment.js';
import { createKafkaSink } from './audit/kafka-sink.js';
import { createLedgerSink } from './audit/ledger-sink.js';
import type { AuditSink } from './audit/sink.js';
import { createApp } from './http/app.js';
import { createIds } from './ids.js';
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

function readOrCreateSecret(file: string, create: boolean): Uint8Array {
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch (cause) {
    if (!create) throw new GatewayError('GW_ERR_CONFIG_INVALID', { cause, detail: `cannot read ${file}` });
  }
  const key = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** kafkajs logs through pino, at warn and above. */
function kafkaLogger(logger: Logger): logCreator {
  return () => (entry) => {
    const { message, ...rest } = entry.log;
    const fields = { kafka: entry.namespace, broker: rest['broker'], error: rest['error'] };
    if (entry.level <= kafkaLogLevel.ERROR) logger.error(fields, message);
    else logger.warn(fields, message);
  };
}

async function createAuditSink(config: GatewayConfig['audit'], logger: Logger): Promise<AuditSink> {
  if (config.sink === 'ledger' && config.ledger) {
    const l = config.ledger;
    const signer = l.create_signing_key ? await loadOrCreateNoteKey(l.signing_key_file, l.origin) : await loadNoteKey(l.signing_key_file);
    const log = await openTileLog({ dir: join(l.dir, 'default'), origin: l.origin, signer, fsync: true });
    return createLedgerSink(log);
  }
  if (config.sink === 'kafka' && config.kafka) {
    const kafka = new Kafka({
      clientId: config.kafka.client_id,
      brokers: [...config.kafka.brokers],
      logLevel: kafkaLogLevel.WARN,
      logCreator: kafkaLogger(logger.child({ component: 'kafka' })),
      connectionTimeout: 3000,
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    const sink = createKafkaSink({ kafka, config: config.kafka, logger: logger.child({ component: 'audit' }) });
    await sink.connect();
    return sink;
  }
  throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `audit sink "${config.sink}" has no settings` });
}

export async function startGateway(loaded: LoadedConfig, deps: StartDeps = {}): Promise<RunningGateway> {
  const { config } = loaded;
  const clock = deps.clock ?? Date.now;
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const logger = createLogger({ level: config.log.level, base: { service: 'palisade-gateway', gateway_id: config.server.gateway_id }, ...(deps.logDestination ? { destination: deps.logDestination } : {}) });
  const metrics = createMetrics({ defaultMetrics: true });
  const ids = createIds(clock);

  const policy = createPolicyEngine({ logger: logger.child({ component: 'policy' }) });
  try {
    const info = await policy.load(readFileSync(config.policy.bundle), config.policy.bundle);
    logger.info({ bundle: info.name, revision: info.revision, digest: info.digest }, 'policy bundle loaded');
  } catch (err) {
    // The gateway still starts, so /readyz can say why; every request is refused until a bundle loads.
    logger.error({ err, bundle: config.policy.bundle }, 'policy bundle refused; requests are denied');
  }

  const audit = await createAuditSink(config.audit, logger);
  const commit = createCommitter(readOrCreateSecret(config.audit.commitment_key_file, config.audit.create_commitment_key));
  const oidc = createOidcVerifier(config.identity.oidc, fetchImpl);
  void oidc.warmUp();

  let shuttingDown = false;
  let inflight = 0;
  let idle: (() => void) | undefined;
  const app = createApp({
    config,
    authenticator: createAuthenticator(createApiKeyStore(config.identity.api_keys), oidc),
    classifier: createClassifier(),
    policy,
    audit,
    providers: createProviderRegistry(config, { fetch: fetchImpl, clock, newId: () => ids.decisionId().replaceAll('-', ''), providerKeys: loaded.providerKeys }),
    commit,
    ids,
    clock,
    logger,
    metrics,
    readiness: () => ({ policy: policy.status(), audit: audit.status(), identity: oidc.status() }),
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

  const server: Server = createServer(app);
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
    await audit.close();
    await policy.close();
    logger.info('gateway stopped');
  }
  return {
    url,
    port,
    logger,
    close: () => (closing ??= close()),
  };
}
