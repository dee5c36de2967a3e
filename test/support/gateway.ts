// Starts a real gateway for a test, with its own temporary ledger, keys and config, and captures
// its JSON log lines so tests can assert on what operators would see. In-process by default; with
// PALISADE_TEST_WORKERS=N (make test's workers pass) as `palisade serve` with N workers, so the
// same tests check that workers keep every guarantee.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { parseConfig, startGateway } from '@palisade/gateway';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { startGatewayProcess } from './gateway-process.js';
import { ledgerLogs, readLedgerRecords } from './ledger.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const BUNDLE = join(REPO, 'bundles/palisade.tar.gz');
/** The committed bundle is signed with the development key (config/dev-keys). */
export const BUNDLE_VERIFICATION = { public_key_file: join(REPO, 'config/dev-keys/bundle-signing.pub.pem'), key_id: 'palisade-dev', scope: 'development' };

export const ANALYST_KEY = 'sk-test-analyst-0123456789';
export const PRIVILEGED_KEY = 'sk-test-privileged-0123456789';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** How many workers test gateways run with: 1 is in-process. */
export const TEST_WORKERS = testWorkers(process.env['PALISADE_TEST_WORKERS']);

/**
 * The `skip` of a test about state each gateway process keeps for itself (a target's circuit), whose
 * outcome with workers depends on which worker each request reaches; false in one process.
 */
export const PER_PROCESS_STATE: string | false = TEST_WORKERS > 1 && `state kept per process, and ${TEST_WORKERS} workers run`;

function testWorkers(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`PALISADE_TEST_WORKERS must be a whole number of workers, not ${JSON.stringify(value)}`);
  return n;
}

/**
 * Asserts a count of something each gateway process does for itself (fetching an issuer's keys,
 * caching an introspection answer): `expected` in one process, and with workers at least that and
 * at most that many per worker, however connections spread over them.
 */
export function assertPerProcess(actual: number, expected: number, message?: string): void {
  if (TEST_WORKERS === 1) return assert.equal(actual, expected, message);
  assert.ok(actual >= expected && actual <= expected * TEST_WORKERS, `${actual} is not ${expected} per process for ${TEST_WORKERS} workers${message ? `: ${message}` : ''}`);
}

export interface TestGateway {
  /** Stops the gateway but keeps its folder (the ledger), unlike `close`. */
  gateway: { close(): Promise<void>; readonly adminUrl?: string | undefined };
  url: string;
  dir: string;
  ledgerDir: string;
  logs: string[];
  close(): Promise<void>;
}

export type ConfigPatch = (config: Record<string, unknown>) => void;

/** The base configuration: two API keys, an echo model, and the embedded ledger in a temp dir. */
export function baseConfig(dir: string): Record<string, unknown> {
  return {
    // Event-loop shedding is tested on its own (test/overload); elsewhere a stall of a busy test machine must not refuse requests.
    server: { host: '127.0.0.1', port: 0, gateway_id: 'gw-test', body_limit_bytes: 64 * 1024, shutdown_grace_ms: 5000, max_event_loop_delay_ms: 0 },
    log: { level: 'info' },
    identity: {
      api_keys: [
        { id: 'analyst', key_sha256: sha256(ANALYST_KEY), sub: 'analyst@example.com', tenant: 'acme', roles: ['analyst'], app: 'test-app' },
        { id: 'privileged', key_sha256: sha256(PRIVILEGED_KEY), sub: 'privileged@example.com', tenant: 'acme', roles: ['analyst', 'pii-reader'], app: 'test-app' },
      ],
      oidc: [],
    },
    policy: { bundle: BUNDLE, verification: BUNDLE_VERIFICATION },
    providers: [{ name: 'echo', type: 'echo' }],
    models: [{ name: 'echo', provider: 'echo' }],
    audit: {
      sink: 'ledger',
      ledger: { dir: join(dir, 'ledger'), origin: 'test.palisade/gateway', signing_key_file: join(dir, 'keys/ledger.key'), create_signing_key: true },
      commitment_key_file: join(dir, 'keys/commitment.key'),
      create_commitment_key: true,
    },
  };
}

export async function startTestGateway(patch?: ConfigPatch, deps: { fetch?: typeof fetch } = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-gw-'));
  const config = baseConfig(dir);
  patch?.(config);
  const logs: string[] = [];
  if (TEST_WORKERS > 1) {
    if (deps.fetch) throw new Error('a test that injects fetch runs in-process only: mark its file "Not with workers:" with the reason');
    (config['server'] as Record<string, unknown>)['workers'] = TEST_WORKERS;
    // As `palisade serve` does before it starts workers: a configuration mistake throws here, the same error as in-process.
    parseConfig({ path: 'test-config.json', text: JSON.stringify(config), env: {} });
    const child = await startGatewayProcess(dir, config, { maxLifetimeMs: 600_000, startTimeoutMs: 60_000, lines: logs });
    const stop = (): Promise<void> => child.stop();
    return {
      gateway: {
        close: stop,
        // Every worker logs where its admin listener is; with port 0 they share one port.
        get adminUrl() {
          for (const line of logs) {
            const entry = JSON.parse(line) as { msg?: string; url?: string };
            if (entry.msg === 'admin endpoints listening') return entry.url;
          }
          return undefined;
        },
      },
      url: child.url,
      dir,
      ledgerDir: join(dir, 'ledger'),
      logs,
      async close() {
        await stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(line);
      cb();
    },
  });
  const loaded = parseConfig({ path: 'test-config.json', text: JSON.stringify(config), env: {} });
  const gateway = await startGateway(loaded, { logDestination: destination, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  return {
    gateway,
    url: gateway.url,
    dir,
    ledgerDir: join(dir, 'ledger'),
    logs,
    async close() {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The logs a test gateway writes its request records to: `default`, or with workers `worker-N`. */
export function gatewayLogDirs(gw: Pick<TestGateway, 'ledgerDir'>): string[] {
  if (TEST_WORKERS === 1) return [join(gw.ledgerDir, 'default')];
  return ledgerLogs(gw.ledgerDir).filter((log) => /^worker-\d+$/.test(basename(log)));
}

/**
 * Every request record in a test gateway's ledger: its `default` log, or with workers every
 * worker's log, in the order they were written (records' timestamps, then each log's order).
 */
export function readGatewayRecords(gw: Pick<TestGateway, 'ledgerDir'>): AuditRecordV1[] {
  const perLog = gatewayLogDirs(gw).map((log) => readLedgerRecords(log));
  if (perLog.length <= 1) return perLog[0] ?? [];
  return perLog.flatMap((records, log) => records.map((record, index) => ({ record, log, index })))
    .sort((a, b) => a.record.timestamp.localeCompare(b.record.timestamp) || a.log - b.log || a.index - b.index)
    .map((e) => e.record);
}
