// Real Kafka brokers for tests: the shared broker `make test` starts, or a private one run by scripts/kafka.sh.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';

const execFileAsync = promisify(execFile);
const kafkaScript = fileURLToPath(new URL('../../scripts/kafka.sh', import.meta.url));
// A cold start includes fetching the broker jars with Maven; the script bounds its own readiness wait.
const scriptTimeoutMs = 300_000;

/** Comma-separated host:port list of an already running broker (set by `make test`). */
export const sharedBrokersVariable = 'PALISADE_TEST_KAFKA_BROKERS';

export interface KafkaHandle {
  readonly brokers: string[];
  /** Releases the broker: stops a private one and deletes its data; a no-op for the shared one. */
  stop(): Promise<void>;
  /** Present only for a private broker: stops and starts it again with the same ports and data. */
  restart?(): Promise<void>;
}

export interface PrivateKafka {
  readonly brokers: string[];
  /** Holds server.properties, data/ and broker.log (useful when a test fails). */
  readonly stateDir: string;
  /** Stops the broker gracefully, keeping its ports and data for start(). */
  stop(): Promise<void>;
  /** Kills the broker with SIGKILL, as a crash would, keeping its ports and data for start(). */
  kill(): Promise<void>;
  /** Starts a stopped or killed broker again on the same ports with the same data; a no-op when running. */
  start(): Promise<void>;
  /** Stops the broker if it runs and starts it again on the same ports with the same data. */
  restart(): Promise<void>;
  /** Stops the broker and deletes its state directory; the handle is unusable afterwards. */
  close(): Promise<void>;
}

async function runKafkaScript(args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('bash', [kafkaScript, ...args], {
      timeout: scriptTimeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr).trim() : '';
    throw new Error(`scripts/kafka.sh ${args.join(' ')} failed${stderr ? `:\n${stderr}` : ''}`, { cause: error });
  }
}

function brokersFrom(bootstrap: string): string[] {
  const brokers = bootstrap
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  if (brokers.length === 0) throw new Error(`no broker address in ${JSON.stringify(bootstrap)}`);
  return brokers;
}

/** Starts a broker of its own in a fresh temporary state directory, for tests that stop, kill or restart it. */
export async function startPrivateKafka(): Promise<PrivateKafka> {
  const stateDir = await mkdtemp(join(tmpdir(), 'palisade-kafka-'));
  let bootstrap: string;
  try {
    bootstrap = await runKafkaScript(['start', stateDir]);
  } catch (error) {
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
  const brokers = brokersFrom(bootstrap);
  let running = true;
  let closed = false;

  const usable = (): void => {
    if (closed) throw new Error('this private Kafka broker was closed');
  };
  const halt = async (flags: string[]): Promise<void> => {
    usable();
    await runKafkaScript(['stop', '--keep-data', ...flags, stateDir]);
    running = false;
  };
  const restart = async (): Promise<void> => {
    usable();
    running = false;
    await runKafkaScript(['restart', stateDir]);
    running = true;
  };

  return {
    brokers,
    stateDir,
    stop: () => halt([]),
    kill: () => halt(['--kill']),
    start: async () => {
      if (!running) await restart();
    },
    restart,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await runKafkaScript(['stop', stateDir]);
      } finally {
        await rm(stateDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The broker for a test file: the shared one when PALISADE_TEST_KAFKA_BROKERS is set (stop is a
 * no-op, restart absent), otherwise a private broker that stop() shuts down and deletes.
 */
export async function useKafka(): Promise<KafkaHandle> {
  const shared = process.env[sharedBrokersVariable];
  if (shared !== undefined && shared.trim() !== '') {
    return { brokers: brokersFrom(shared), stop: async () => {} };
  }
  const broker = await startPrivateKafka();
  return { brokers: broker.brokers, stop: () => broker.close(), restart: () => broker.restart() };
}

/**
 * A topic name no other test file uses: files share the broker `make test` starts and may run at
 * the same time, and a broker kept by `make kafka-up` keeps its topics from one run to the next.
 */
export function uniqueTopic(name: string): string {
  return `${name}.${randomUUID()}`;
}

/** A kafkajs client for tests: silent (its retry chatter buries test output; failures still throw), with short retries. */
export function kafkaClient(brokers: string[], clientId = 'palisade-test'): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
  });
}

/** Creates a topic (replication factor 1) and returns once every partition has a leader. */
export async function createTopic(brokers: string[], topic: string, partitions: number): Promise<void> {
  const admin = kafkaClient(brokers, 'palisade-test-admin').admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
    });
    if (!created) {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const existing = metadata.topics[0]?.partitions.length ?? 0;
      if (existing !== partitions) {
        throw new Error(`topic ${topic} already exists with ${existing} partitions, not ${partitions}`);
      }
    }
  } finally {
    await admin.disconnect();
  }
}
