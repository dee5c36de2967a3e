// `palisade keys create|list|revoke`: manages the API keys file. A new key is printed once and
// only its SHA-256 is stored; listings never show hashes.
import { parseArgs } from 'node:util';
import { generateApiKey, newKeyId } from '../identity/api-key-format.js';
import { readKeysFile, updateKeysFile, type StoredApiKey } from '../identity/keys-file.js';
import { parseExpiry } from './keys-duration.js';

export const KEYS_USAGE = `Usage:
  palisade keys create --file FILE --sub SUBJECT --tenant TENANT --roles ROLE,ROLE [--app APP] [--expires 30d|RFC3339]
        creates a key, prints it once on stdout and stores only its hash
  palisade keys list --file FILE [--json]
        lists id, subject, tenant, roles, app, created, expires and revoked
  palisade keys revoke --file FILE --id ID
        revokes a key; gateways reading the file refuse it within a second or two
`;

export interface KeysIo {
  out(text: string): void;
  err(text: string): void;
  now(): number;
}

const processIo: KeysIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  now: () => Date.now(),
};

class UsageError extends Error {}

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v.trim();
}

function create(args: string[], io: KeysIo): number {
  const { values } = parseArgs({
    args,
    options: { file: { type: 'string' }, sub: { type: 'string' }, tenant: { type: 'string' }, roles: { type: 'string' }, app: { type: 'string' }, expires: { type: 'string' } },
    strict: true,
  });
  const file = required(values, 'file');
  const sub = required(values, 'sub');
  const tenant = required(values, 'tenant');
  if (values.roles === undefined) throw new UsageError('--roles is required (give --roles "" for none)');
  const roles = [...new Set(values.roles.split(',').map((r) => r.trim()).filter((r) => r !== ''))];
  const now = io.now();
  let expires: Date | undefined;
  if (values.expires !== undefined) {
    expires = parseExpiry(values.expires, now);
    if (!expires) throw new UsageError(`--expires "${values.expires}" is neither a lifetime like 30d, 12h, 2w nor an RFC 3339 time`);
    if (expires.getTime() <= now) throw new UsageError('--expires is in the past');
  }
  const created = updateKeysFile(file, (f) => {
    const taken = new Set(f.keys.map((k) => k.id));
    let id = newKeyId();
    while (taken.has(id)) id = newKeyId();
    const generated = generateApiKey(id);
    const entry: StoredApiKey = { id, key_sha256: generated.key_sha256, sub, tenant, roles, created_at: new Date(now).toISOString() };
    if (values.app !== undefined && values.app.trim() !== '') entry.app = values.app.trim();
    if (expires) entry.expires_at = expires.toISOString();
    f.keys.push(entry);
    return { entry, key: generated.key };
  });
  io.err(
    `Created API key ${created.entry.id} for ${sub} (tenant ${tenant}; roles ${roles.join(', ') || 'none'}; ` +
      `expires ${created.entry.expires_at ?? 'never'}).\nThe key is shown only now; store it in your secret manager:\n`,
  );
  io.out(`${created.key}\n`);
  return 0;
}

function cell(v: string | undefined): string {
  return v === undefined || v === '' ? '-' : v;
}

function list(args: string[], io: KeysIo): number {
  const { values } = parseArgs({ args, options: { file: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const file = readKeysFile(required(values, 'file'));
  // Hashes stay in the file: a listing is for people and is often pasted into tickets.
  const rows = file.keys.map((k) => ({
    id: k.id,
    sub: k.sub,
    tenant: k.tenant,
    roles: [...k.roles],
    app: k.app,
    created_at: k.created_at,
    expires_at: k.expires_at,
    revoked_at: k.revoked_at,
  }));
  if (values.json) {
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const header = ['ID', 'SUB', 'TENANT', 'ROLES', 'APP', 'CREATED', 'EXPIRES', 'REVOKED'];
  const table = [header, ...rows.map((r) => [r.id, r.sub, cell(r.tenant), cell(r.roles.join(',')), cell(r.app), r.created_at, cell(r.expires_at), cell(r.revoked_at)])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  for (const row of table) io.out(`${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`);
  return 0;
}

function revoke(args: string[], io: KeysIo): number {
  const { values } = parseArgs({ args, options: { file: { type: 'string' }, id: { type: 'string' } }, strict: true });
  const file = required(values, 'file');
  const id = required(values, 'id');
  const now = new Date(io.now()).toISOString();
  const result = updateKeysFile(file, (f) => {
    const key = f.keys.find((k) => k.id === id);
    if (!key) return 'missing' as const;
    if (key.revoked_at !== undefined) return 'already' as const;
    key.revoked_at = now;
    return 'revoked' as const;
  });
  if (result === 'missing') {
    io.err(`palisade keys: no key with id "${id}" in ${file}\n`);
    return 1;
  }
  io.err(result === 'already' ? `Key ${id} was already revoked.\n` : `Revoked key ${id} at ${now}.\n`);
  return 0;
}

/** Runs `palisade keys ...`; returns the exit code. Errors other than usage mistakes propagate. */
export function keysCommand(argv: string[], io: KeysIo = processIo): number {
  const [sub, ...args] = argv;
  try {
    switch (sub) {
      case 'create':
        return create(args, io);
      case 'list':
        return list(args, io);
      case 'revoke':
        return revoke(args, io);
      case 'help':
      case '--help':
      case '-h':
        io.out(KEYS_USAGE);
        return 0;
      default:
        io.err(`palisade keys: ${sub === undefined ? 'a subcommand is required' : `unknown subcommand "${sub}"`}\n\n${KEYS_USAGE}`);
        return 2;
    }
  } catch (err) {
    // parseArgs reports unknown or malformed options with ERR_PARSE_ARGS_* codes: usage mistakes too.
    const code = (err as { code?: unknown }).code;
    if (err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`palisade keys ${sub}: ${(err as Error).message}\n\n${KEYS_USAGE}`);
      return 2;
    }
    throw err;
  }
}
