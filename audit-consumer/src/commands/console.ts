// The console parts of palisade-audit: `serve --console` options, `index rebuild` and `verify-evidence`.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { AuditError, loadNoteKey } from '@palisade/ledger';
import { createConsole, openActionLog, rebuildIndex, verifyEvidence, type AuditConsole, type ConsolePerson, type OidcSettings } from '@palisade/console';
import { UsageError, asUsage, required } from './usage.js';

/** Where the console index lives by default: beside the ledger folder, as the gateway keeps it. */
export function defaultIndexPath(ledgerDir: string): string {
  return join(dirname(resolve(ledgerDir)), 'console', 'index.sqlite');
}

export const CONSOLE_OPTIONS = {
  console: { type: 'boolean' },
  'console-index': { type: 'string' },
  'console-signing-key': { type: 'string' },
  'console-keys': { type: 'string' },
  'content-store': { type: 'string' },
  'subject-keys': { type: 'string' },
  'master-key': { type: 'string' },
  'oidc-issuer': { type: 'string' },
  'oidc-client-id': { type: 'string' },
  'oidc-client-secret-file': { type: 'string' },
  'oidc-redirect-uri': { type: 'string' },
  'oidc-roles-claim': { type: 'string' },
} as const;

type ConsoleArgs = { [K in keyof typeof CONSOLE_OPTIONS]?: (typeof CONSOLE_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    throw new AuditError('AUD_ERR_CONFIG_INVALID', { cause, detail: `Cannot read ${what} ${file}.` });
  }
}

interface KeyEntry {
  key_sha256: string;
  id: string;
  sub: string;
  roles: string[];
  tenant?: string;
}

/** Console sign-in keys: a JSON array of {key_sha256, id, sub, roles}, as the gateway's api_keys. */
async function keyPeople(file: string): Promise<(key: string) => ConsolePerson | undefined> {
  let entries: KeyEntry[];
  try {
    entries = JSON.parse(await readText(file, 'the console keys file')) as KeyEntry[];
  } catch (cause) {
    throw new AuditError('AUD_ERR_CONFIG_INVALID', { cause, detail: `${file} is not JSON.` });
  }
  if (!Array.isArray(entries) || !entries.every((e) => typeof e?.key_sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.key_sha256) && typeof e.sub === 'string' && typeof e.id === 'string' && Array.isArray(e.roles))) {
    throw new AuditError('AUD_ERR_CONFIG_INVALID', { detail: `${file} must be a JSON array of {key_sha256, id, sub, roles}.` });
  }
  const hashed = entries.map((e) => ({ ...e, hash: Buffer.from(e.key_sha256, 'hex') }));
  return (key) => {
    const hash = createHash('sha256').update(key, 'utf8').digest();
    const e = hashed.find((x) => timingSafeEqual(x.hash, hash));
    return e && { sub: e.sub, iss: 'palisade-audit', roles: e.roles.filter((r): r is string => typeof r === 'string'), auth: 'api_key', credential_id: e.id, ...(e.tenant ? { tenant: e.tenant } : {}) };
  };
}

/** A verifier key given inline (it holds a '+') or as a file holding it, as verify-receipt takes it. */
async function vkeyArg(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  return (value.includes('+') ? value : await readText(value, 'the verifier key')).trim();
}

async function masterKey(file: string): Promise<Uint8Array> {
  const text = (await readText(file, 'the master key')).trim();
  const key = Buffer.from(text, 'hex');
  if (key.length !== 32 || key.toString('hex') !== text.toLowerCase()) throw new AuditError('AUD_ERR_KEY_INVALID', { detail: `${file} must hold 64 hex digits.` });
  return key;
}

/** Starts the console for `serve --console`: actions go to the ledger folder's own `console` log, signed with the ledger's key. */
export async function startServeConsole(dir: string, values: ConsoleArgs, options: { vkey?: string; plainHttpLoopback: boolean; logger: Logger }): Promise<{ console: AuditConsole; close(): Promise<void> }> {
  const signer = await loadNoteKey(required(values['console-signing-key'], 'console-signing-key', 'serve --console'));
  const oidcGiven = values['oidc-issuer'] !== undefined;
  if (!oidcGiven && values['console-keys'] === undefined) throw new UsageError('serve --console needs a way to sign in: --oidc-issuer … or --console-keys FILE.');
  let oidc: OidcSettings | undefined;
  if (oidcGiven) {
    oidc = {
      issuer: values['oidc-issuer']!,
      client_id: required(values['oidc-client-id'], 'oidc-client-id', 'serve --console'),
      redirect_uri: required(values['oidc-redirect-uri'], 'oidc-redirect-uri', 'serve --console'),
      roles_claim: values['oidc-roles-claim'] ?? 'roles',
      ...(values['oidc-client-secret-file'] !== undefined ? { client_secret: (await readText(values['oidc-client-secret-file'], 'the client secret')).trim() } : {}),
    };
  }
  const content =
    values['content-store'] !== undefined || values['subject-keys'] !== undefined || values['master-key'] !== undefined
      ? {
          storeDir: required(values['content-store'], 'content-store', 'serve --console'),
          keysDir: required(values['subject-keys'], 'subject-keys', 'serve --console'),
          masterKey: await masterKey(required(values['master-key'], 'master-key', 'serve --console')),
        }
      : undefined;
  const actions = await openActionLog({ ledgerDir: dir, origin: `${signer.name}/console`, signer });
  try {
    const auditConsole = await createConsole({
      ledgerDir: dir,
      ...(options.vkey !== undefined ? { vkey: options.vkey } : {}),
      indexPath: values['console-index'] ?? defaultIndexPath(dir),
      ...(values['console-keys'] !== undefined ? { authenticateKey: await keyPeople(values['console-keys']) } : {}),
      ...(oidc ? { oidc } : {}),
      ...(content ? { content } : {}),
      recordAction: (record) => actions.append(record),
      hostId: 'palisade-audit',
      secureCookies: !options.plainHttpLoopback,
      logger: options.logger.child({ component: 'console' }),
    });
    return {
      console: auditConsole,
      async close() {
        await auditConsole.close();
        await actions.close();
      },
    };
  } catch (err) {
    await actions.close();
    throw err;
  }
}

export async function indexCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'rebuild') throw new UsageError('index takes one subcommand: rebuild.');
  const { values, positionals } = asUsage(() => parseArgs({ args: rest, options: { index: { type: 'string' }, vkey: { type: 'string' } }, allowPositionals: true, strict: true }));
  if (positionals.length !== 1) throw new UsageError('index rebuild takes exactly one ledger folder.');
  const dir = positionals[0]!;
  const vkey = await vkeyArg(values.vkey);
  const indexPath = values.index ?? defaultIndexPath(dir);
  const r = await rebuildIndex({ ledgerDir: dir, indexPath, ...(vkey !== undefined ? { vkey } : {}) });
  process.stdout.write(`indexed ${r.records} records from ${r.entries} entries of ${r.logs} logs into ${indexPath} in ${(r.ms / 1000).toFixed(1)} s\n`);
  return 0;
}

export async function verifyEvidenceCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() => parseArgs({ args, options: { vkey: { type: 'string' } }, allowPositionals: true, strict: true }));
  if (positionals.length !== 1) throw new UsageError('verify-evidence takes exactly one file.');
  let archive: Buffer;
  try {
    archive = await readFile(positionals[0]!);
  } catch (cause) {
    throw new AuditError('AUD_ERR_IO', { cause, detail: `Cannot read ${positionals[0]!}.` });
  }
  const vkey = await vkeyArg(values.vkey);
  const report = await verifyEvidence(archive, vkey === undefined ? {} : { vkey });
  for (const p of report.problems) process.stderr.write(`FAIL ${p}\n`);
  if (report.selfKeyed) process.stderr.write('note: checked with the key inside the package; pass --vkey with the key you were given to check who signed it\n');
  if (report.ok) process.stdout.write(`OK ${report.records} records verify against their signed checkpoints\n`);
  return report.ok ? 0 : 1;
}
