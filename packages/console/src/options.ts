// What a host gives the console: where the ledger and the index are, how people sign in, and how console actions reach the ledger.
import type { AuditRecordV1 } from '@palisade/audit-core';

export interface ConsoleLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A person the host vouches for. */
export interface ConsolePerson {
  sub: string;
  iss: string;
  roles: string[];
  tenant?: string;
  auth: 'api_key' | 'oidc';
  /** Non-secret label of the credential used (e.g. the API key id). */
  credential_id?: string;
}

export interface OidcSettings {
  issuer: string;
  client_id: string;
  client_secret?: string;
  /** The console's callback URL as registered with the identity provider (…/console/oidc/callback). */
  redirect_uri: string;
  scopes?: string[];
  /** The claim holding roles (a dotted path, e.g. realm_access.roles), and how its values map to console roles. */
  roles_claim: string;
  role_map?: Record<string, string>;
}

export interface ContentAccess {
  /** The content store folder (what policies kept, sealed). */
  storeDir: string;
  /** The subject key store folder. */
  keysDir: string;
  /** The 32-byte master key that opens subject keys. */
  masterKey: Uint8Array;
}

export interface ConsoleOptions {
  /** The ledger folder: one log, or a folder of logs. */
  ledgerDir: string;
  /** The verifier key text the host trusts; without it each log's own log.vkey is read. */
  vkey?: string;
  /** The SQLite index file (derived data; `:memory:` keeps it in memory). */
  indexPath: string;
  /** SQLite's page cache for the index, in MiB (default 64: searches and rebuilds at a million records). */
  indexCacheMiB?: number;
  /** How often the logs are read for new entries (default 1000 ms; 0 leaves tailing to the host). */
  tailIntervalMs?: number;
  /** Demo and embedded sign-in: an API key to a person, or undefined when the key is unknown. */
  authenticateKey?: (apiKey: string) => ConsolePerson | undefined;
  oidc?: OidcSettings;
  /** Appends a console-action record to the ledger; the action is refused when it rejects. */
  recordAction(record: AuditRecordV1): Promise<void>;
  /** Where prompts and answers kept by policy are, to show them to content readers and to erase subjects. */
  content?: ContentAccess;
  /** Names the host in console-action records (`gateway_id`). */
  hostId: string;
  /** The session cookie is Secure unless the host serves plain HTTP on loopback. */
  secureCookies?: boolean;
  /** Where the built web pages are (default: the package's web-dist folder). */
  webDist?: string;
  clock?: () => number;
  logger?: ConsoleLogger;
}

export interface ConsoleStatus {
  ok: boolean;
  /** The last problem reading a log into the index, until a later pass succeeds. */
  detail?: string;
}
