// Builds the gateway's audit components from the `audit` config: the sink (embedded ledger, or
// Kafka with reject or spool), and the content recorder with its subject key store.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { logCreator } from 'kafkajs';
import { ContentStore, SubjectKeyStore, loadNoteKey, loadOrCreateNoteKey, openTileLog } from '@palisade/ledger';
import type { GatewayConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { Classifier } from '../classify/index.js';
import { openAuditSpool } from './audit-spool.js';
import { createContentRecorder, type Commit } from './commitment.js';
import { createContentRedactor } from './content-redaction.js';
import { createKafkaSink } from './kafka-sink.js';
import { createLedgerSink } from './ledger-sink.js';
import type { AuditSink } from './sink.js';

/** The 32-byte master key in hex, created (mode 0600) when allowed and missing. */
function readOrCreateMasterKey(file: string, create: boolean): Uint8Array {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (cause) {
    if (!create) throw new GatewayError('GW_ERR_CONFIG_INVALID', { cause, detail: `cannot read ${file}` });
  }
  if (text !== undefined) {
    const key = Buffer.from(text, 'hex');
    if (key.length !== 32 || key.toString('hex') !== text.toLowerCase()) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `${file} must hold 64 hex digits` });
    return key;
  }
  const key = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** kafkajs logs through pino, at warn and above. */
function kafkaLogger(logger: Logger, errorLevel: number): logCreator {
  return () => (entry) => {
    const { message, ...rest } = entry.log;
    const fields = { kafka: entry.namespace, broker: rest['broker'], error: rest['error'] };
    if (entry.level <= errorLevel) logger.error(fields, message);
    else logger.warn(fields, message);
  };
}

/**
 * `part` names this process's share when several workers write: its log in the ledger folder and
 * its folder in the spool (one writer each). Without it the log is `default` and the spool its folder.
 */
export async function createAuditSink(config: GatewayConfig['audit'], logger: Logger, options: { part?: string } = {}): Promise<AuditSink> {
  if (config.sink === 'ledger' && config.ledger) {
    const l = config.ledger;
    const signer = l.create_signing_key ? await loadOrCreateNoteKey(l.signing_key_file, l.origin) : await loadNoteKey(l.signing_key_file);
    const open = () =>
      openTileLog({
        dir: join(l.dir, options.part ?? 'default'),
        origin: l.origin,
        signer,
        fsync: true,
        checkpointEvery: l.checkpoint_every,
        checkpointIntervalMs: l.checkpoint_interval_ms,
        // A torn tail was never acknowledged, so dropping it loses nothing; it is still said.
        onTornJournalTail: (t) => logger.warn({ component: 'audit', file: t.file, offset: t.offset, bytes: t.bytes }, 'cut off an unacknowledged append a crash left incomplete in the journal'),
      });
    return createLedgerSink(await open(), open, logger);
  }
  if (config.sink === 'kafka' && config.kafka) {
    // Loaded only for the Kafka sink: a gateway with the embedded ledger never pays for it.
    const { Kafka, logLevel: kafkaLogLevel } = await import('kafkajs');
    const kafka = new Kafka({
      clientId: config.kafka.client_id,
      brokers: [...config.kafka.brokers],
      logLevel: kafkaLogLevel.WARN,
      logCreator: kafkaLogger(logger.child({ component: 'kafka' }), kafkaLogLevel.ERROR),
      connectionTimeout: 3000,
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    const spoolDir = config.kafka.spool_dir === undefined ? undefined : options.part === undefined ? config.kafka.spool_dir : join(config.kafka.spool_dir, options.part);
    const spool = config.kafka.on_unavailable === 'spool' && spoolDir ? await openAuditSpool(spoolDir) : undefined;
    const auditLogger = logger.child({ component: 'audit' });
    if (spool && spool.pending() > 0) auditLogger.warn({ pending: spool.pending() }, 'audit spool holds records from an earlier run; they are published first');
    const sink = createKafkaSink({ kafka, config: config.kafka, logger: auditLogger, ...(spool ? { spool } : {}) });
    await sink.connect();
    return sink;
  }
  throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `audit sink "${config.sink}" has no settings` });
}

/** Commitments under per-subject keys, and the content store for what policies keep. */
export function createContentCommit(config: GatewayConfig['audit'], classifier: Pick<Classifier, 'classifyMany'>, clock: () => number): Commit {
  const masterKey = readOrCreateMasterKey(config.commitment_key_file, config.create_commitment_key);
  const keys = new SubjectKeyStore({ dir: config.content.keys_dir, masterKey, cacheMs: config.content.key_cache_ms, clock });
  return createContentRecorder({ keys, store: new ContentStore(config.content.store_dir), redact: createContentRedactor(classifier) });
}
