// The audit console inside the gateway when it writes the embedded ledger: console actions go through the gateway's own audit sink, sign-in takes API keys of auditors from the identity config.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { createConsole, isConsolePath, type AuditConsole, type ConsolePerson } from '@palisade/console';
import type { GatewayConfig } from '../config/schema.js';
import type { AuditSink } from '../audit/sink.js';
import type { ComponentStatus } from '../health.js';
import { API_KEY_ISSUER } from '../identity/index.js';
import type { Logger } from '../logging/logger.js';

function apiKeyPeople(config: GatewayConfig, clock: () => number): (key: string) => ConsolePerson | undefined {
  const entries = config.identity.api_keys.map((k) => ({ ...k, hash: Buffer.from(k.key_sha256, 'hex') }));
  return (key) => {
    const hash = createHash('sha256').update(key, 'utf8').digest();
    const entry = entries.find((e) => timingSafeEqual(e.hash, hash));
    if (!entry) return undefined;
    if (entry.expires_at !== undefined && !(clock() < Date.parse(entry.expires_at))) return undefined;
    return { sub: entry.sub, iss: API_KEY_ISSUER, roles: [...entry.roles], auth: 'api_key', credential_id: entry.id, ...(entry.tenant ? { tenant: entry.tenant } : {}) };
  };
}

/** Plain-HTTP cookies only when the gateway listens on loopback (`make run`), where nobody else is on the wire. */
function loopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The master key that opens subject keys; the content recorder has created it by now when allowed to. */
function masterKey(file: string): Uint8Array | undefined {
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    return key.length === 32 ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the console when the audit sink is the embedded ledger; undefined otherwise. */
export async function startEmbeddedConsole(config: GatewayConfig, deps: { audit: AuditSink; logger: Logger; clock: () => number }): Promise<AuditConsole | undefined> {
  const ledger = config.audit.sink === 'ledger' ? config.audit.ledger : undefined;
  if (!ledger) return undefined;
  const key = masterKey(config.audit.commitment_key_file);
  const logger = deps.logger.child({ component: 'console' });
  return createConsole({
    ledgerDir: ledger.dir,
    indexPath: join(dirname(ledger.dir), 'console', 'index.sqlite'),
    // The gateway's memory is for requests: a small cache keeps the index out of its resident size.
    indexCacheMiB: 8,
    authenticateKey: apiKeyPeople(config, deps.clock),
    recordAction: (record) => deps.audit.publish([record]),
    ...(key && config.audit.content.store_dir && config.audit.content.keys_dir
      ? { content: { storeDir: config.audit.content.store_dir, keysDir: config.audit.content.keys_dir, masterKey: key } }
      : {}),
    hostId: config.server.gateway_id,
    secureCookies: !loopback(config.server.host),
    clock: deps.clock,
    logger: { info: (f, m) => logger.info(f, m), warn: (f, m) => logger.warn(f, m), error: (f, m) => logger.error(f, m) },
  });
}

/** Sends /console paths to the console and everything else to the gateway's app, unchanged. */
export function withConsole(app: RequestListener, console: AuditConsole | undefined): RequestListener {
  if (!console) return app;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (isConsolePath(req.url)) void console.handle(req, res);
    else app(req, res);
  };
}

/**
 * The console's part in /readyz: always ready, since its index is derived data and requests never
 * wait on it; what went wrong reading the ledger into the index is told in `detail`.
 */
export function consoleReadiness(console: AuditConsole): ComponentStatus {
  const status = console.status();
  return { ready: true, detail: status.ok ? 'the index follows the ledger' : `the index is behind the ledger: ${status.detail ?? 'a log could not be read'}` };
}
