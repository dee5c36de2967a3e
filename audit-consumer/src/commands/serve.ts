// `palisade-audit consume` (Kafka to ledger, optionally serving it) and `palisade-audit serve` (serves a ledger folder read-only).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka } from 'kafkajs';
import { pino, type Logger } from 'pino';
import { CHECKPOINT_FILE, isAuditError, loadNoteKey, loadOrCreateNoteKey, type LedgerLog } from '@palisade/ledger';
import { loadConsumerConfig } from '../consumer-config.js';
import { startConsumer } from '../kafka-consumer.js';
import { kafkaLevel, kafkaLogCreator } from '../kafka-log.js';
import { startLedgerServer, type LedgerServer } from '../ledger-server.js';
import { CONSOLE_OPTIONS, startServeConsole } from './console.js';
import { openLedgerLogs } from './receipts.js';
import { UsageError, asUsage, required } from './usage.js';

/** Resolves on SIGTERM or SIGINT. */
function untilSignal(logger: Logger): Promise<void> {
  return new Promise((done) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'stopping');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      done();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

export async function consumeCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() => parseArgs({ args, options: { config: { type: 'string' } }, allowPositionals: true, strict: true }));
  if (positionals.length > 0 || values.config === undefined) throw new UsageError('consume needs --config FILE.');
  const config = await loadConsumerConfig(values.config);
  const logger = pino({ level: config.log.level });
  const { ledger } = config;
  const signer = ledger.create_signing_key ? await loadOrCreateNoteKey(ledger.signing_key_file, ledger.origin_prefix) : await loadNoteKey(ledger.signing_key_file);
  const kafka = new Kafka({
    brokers: config.kafka.brokers,
    clientId: config.kafka.client_id,
    logLevel: kafkaLevel(config.log.level),
    logCreator: kafkaLogCreator(logger),
  });
  const options: Parameters<typeof startConsumer>[0] = {
    kafka,
    topic: config.kafka.topic,
    groupId: config.kafka.group_id,
    ledgerDir: ledger.dir,
    originPrefix: ledger.origin_prefix,
    signer,
    logger,
    dedupeWindow: ledger.dedupe_window,
    checkpointEvery: ledger.checkpoint_every,
    checkpointIntervalMs: ledger.checkpoint_interval_ms,
    sessionTimeoutMs: config.kafka.session_timeout_ms,
    heartbeatIntervalMs: config.kafka.heartbeat_interval_ms,
    ...(ledger.retention_days !== undefined ? { retentionMs: ledger.retention_days * 86_400_000, retentionCheckMs: ledger.retention_check_ms } : {}),
  };
  const stopped = untilSignal(logger);
  let handle: Awaited<ReturnType<typeof startConsumer>> | undefined;
  // Kafka may be away when the consumer starts (or restarts): keep trying rather than exit.
  for (let attempt = 0; !handle; attempt++) {
    try {
      handle = await startConsumer(options);
    } catch (err) {
      if (!(isAuditError(err) && err.code === 'AUD_ERR_KAFKA_START')) throw err;
      const delay = Math.min(10_000, 1000 * 2 ** Math.min(attempt, 4));
      logger.error({ err, retryInMs: delay }, 'cannot start consuming; retrying');
      const gaveUp = await Promise.race([stopped.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), delay))]);
      if (gaveUp) return 0;
    }
  }
  let server: LedgerServer | undefined;
  try {
    if (config.http) {
      server = await startLedgerServer({
        host: config.http.host,
        port: config.http.port,
        logs: () => handle.logs(),
        ready: () => handle.status(),
        status: () => ({ counters: handle.status().counters }),
      });
      logger.info({ url: server.url }, 'ledger served');
    }
  } catch (err) {
    await handle.close();
    throw err;
  }
  await stopped;
  await server?.close();
  await handle.close();
  logger.flush();
  return 0;
}

/** Reopens a folder's logs when a checkpoint changed, so a served ledger follows its writer. */
function followLedger(dir: string, vkey: string | undefined): () => Promise<LedgerLog[]> {
  let logs: LedgerLog[] = [];
  let stamp = '';
  return async () => {
    const found = await openLedgerLogs(dir, vkey).catch(() => logs);
    const stamps = await Promise.all(found.map((l) => stat(join(l.dir, CHECKPOINT_FILE)).then((s) => `${l.dir}:${s.mtimeMs}:${s.size}`, () => '')));
    const next = stamps.join('|');
    if (next !== stamp) {
      stamp = next;
      logs = found;
    }
    return logs;
  };
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() =>
    parseArgs({
      args,
      options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string' }, vkey: { type: 'string' }, ...CONSOLE_OPTIONS },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length !== 1) throw new UsageError('serve takes exactly one ledger folder.');
  const portText = required(values.port, 'port', 'serve');
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError('--port must be 0..65535.');
  const logger = pino({ level: 'info' });
  const dir = positionals[0]!;
  const loopback = values.host === 'localhost' || values.host === '::1' || values.host.startsWith('127.');
  const withConsole = values.console ? await startServeConsole(dir, values, { ...(values.vkey !== undefined ? { vkey: values.vkey } : {}), plainHttpLoopback: loopback, logger }) : undefined;
  let server: LedgerServer;
  try {
    server = await startLedgerServer({ host: values.host, port: Number(portText), logs: followLedger(dir, values.vkey), ...(withConsole ? { console: withConsole.console } : {}) });
  } catch (err) {
    await withConsole?.close();
    throw err;
  }
  process.stdout.write(`${server.url}\n`);
  if (withConsole) process.stdout.write(`${server.url}/console/\n`);
  await untilSignal(logger);
  await server.close();
  await withConsole?.close();
  return 0;
}
