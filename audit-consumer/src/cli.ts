// The palisade-audit command: `verify <dir> [--vkey KEY]` and `consume --config FILE`; parses, calls the library, prints.
import { parseArgs } from 'node:util';
import { Kafka } from 'kafkajs';
import { pino } from 'pino';
import { isAuditError } from './errors.js';
import { loadConsumerConfig } from './consumer-config.js';
import { kafkaLevel, kafkaLogCreator } from './kafka-log.js';
import { startConsumer } from './kafka-consumer.js';
import { loadOrCreateNoteKey } from './note-key-file.js';
import { verifyLedger } from './verify-ledger.js';

const USAGE = `Usage:
  palisade-audit verify <dir> [--vkey KEY]   verify a log folder, or a ledger folder of logs
  palisade-audit consume --config FILE       consume audit records from Kafka into the ledger
`;

class UsageError extends Error {}

/** Turns parseArgs's errors (unknown option, missing value) into usage errors. */
function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

async function verify(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() =>
    parseArgs({ args, options: { vkey: { type: 'string' } }, allowPositionals: true, strict: true }),
  );
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one folder.');
  const report = await verifyLedger(positionals[0]!, values.vkey === undefined ? {} : { vkey: values.vkey });
  for (const p of report.problems) process.stderr.write(`FAIL ${p.log}: ${p.message}\n`);
  for (const l of report.logs) {
    if (l.ok) process.stdout.write(`OK ${l.name} size=${l.size} root=${l.root ?? ''}\n`);
    else process.stderr.write(`FAIL ${l.name}: ${l.problems[0]?.message ?? 'too many problems'}\n`);
  }
  return report.ok ? 0 : 1;
}

async function consume(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() =>
    parseArgs({ args, options: { config: { type: 'string' } }, allowPositionals: true, strict: true }),
  );
  if (positionals.length > 0 || values.config === undefined) throw new UsageError('consume needs --config FILE.');
  const config = await loadConsumerConfig(values.config);
  const logger = pino({ level: config.log.level });
  const signer = await loadOrCreateNoteKey(config.ledger.signingKeyFile, config.ledger.originPrefix);
  const kafka = new Kafka({
    brokers: config.kafka.brokers,
    clientId: config.kafka.clientId ?? 'palisade-audit',
    logLevel: kafkaLevel(config.log.level),
    logCreator: kafkaLogCreator(logger),
  });
  const handle = await startConsumer({
    kafka,
    topic: config.kafka.topic,
    groupId: config.kafka.groupId,
    ledgerDir: config.ledger.dir,
    originPrefix: config.ledger.originPrefix,
    signer,
    logger,
  });
  await new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'stopping');
      handle.close().then(done, (err: unknown) => {
        logger.error({ err }, 'stopping failed');
        done();
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  logger.flush();
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'verify':
        return await verify(rest);
      case 'consume':
        return await consume(rest);
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}`);
      return 2;
    }
    if (isAuditError(err) && err.code === 'AUD_ERR_CONFIG_INVALID') {
      const problems = Array.isArray(err.data?.problems) ? (err.data.problems as unknown[]) : [err.message];
      process.stderr.write(`${err.code}: the configuration is not valid:\n`);
      for (const p of problems) process.stderr.write(`  ${String(p)}\n`);
      return 2;
    }
    const code = isAuditError(err) ? `${err.code}: ` : '';
    process.stderr.write(`${code}${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
