// Starts a real gateway in-process for a test, with its own temporary ledger, keys and config,
// and captures its JSON log lines so tests can assert on what operators would see.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { parseConfig, startGateway, type RunningGateway } from '@palisade/gateway';

export const REPO = resolve(import.meta.dirname, '../..');
export const BUNDLE = join(REPO, 'bundles/palisade.tar.gz');
/** The committed bundle is signed with the development key (config/dev-keys). */
export const BUNDLE_VERIFICATION = { public_key_file: join(REPO, 'config/dev-keys/bundle-signing.pub.pem'), key_id: 'palisade-dev', scope: 'development' };

export const ANALYST_KEY = 'sk-test-analyst-0123456789';
export const PRIVILEGED_KEY = 'sk-test-privileged-0123456789';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface TestGateway {
  gateway: RunningGateway;
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
