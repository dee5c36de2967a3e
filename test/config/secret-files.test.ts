// Secrets the configuration names by file are read by the loader, once, and kept apart from the
// configuration; a file that cannot be used stops the start with the key that names it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayError, parseConfig } from '@palisade/gateway';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const REDIS_PASSWORD = 'redis-password-0123456789';
const COLLECTOR_TOKEN = 'collector-token-0123456789';

const base = {
  policy: { bundle: 'bundles/palisade.tar.gz' },
  providers: [{ name: 'echo', type: 'echo' }],
  models: [{ name: 'echo', provider: 'echo' }],
  audit: { sink: 'ledger', commitment_key_file: 'k', ledger: { dir: 'd', origin: 'o', signing_key_file: 's' } },
};

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-config-secrets-'));
  writeFileSync(join(dir, 'admin.token'), `${ADMIN_TOKEN}\n`);
  writeFileSync(join(dir, 'short.token'), 'too-short\n');
  writeFileSync(join(dir, 'redis.password'), `${REDIS_PASSWORD}\n`);
  writeFileSync(join(dir, 'hash.key'), '0123456789abcdef0123\n');
  writeFileSync(join(dir, 'otlp-headers'), `# collector\nAuthorization: Bearer ${COLLECTOR_TOKEN}\n`);
  writeFileSync(join(dir, 'bad-headers'), `Authorization: Bearer ok\nBearer ${COLLECTOR_TOKEN}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function load(patch: Record<string, unknown>) {
  return parseConfig({ path: 'c.json', text: JSON.stringify({ ...base, ...patch }), env: {} });
}

function refusal(patch: Record<string, unknown>): { problems: string[]; text: string } {
  try {
    load(patch);
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.code, 'GW_ERR_CONFIG_INVALID');
    return { problems: (err.data?.['problems'] as string[] | undefined) ?? [], text: `${err.message} ${err.detail ?? ''}` };
  }
  assert.fail('the configuration was accepted');
}

const redis = (password_file: string) => ({ cache: { backend: 'redis' }, redis: { url: 'redis://127.0.0.1:6379', password_file } });

describe('secret files', () => {
  it('reads the admin token from server.admin_token_file', () => {
    assert.equal(load({ server: { admin_token_file: join(dir, 'admin.token') } }).secrets.adminToken, ADMIN_TOKEN);
  });

  it('refuses an admin token shorter than 16 characters, naming the key', () => {
    assert.match(refusal({ server: { admin_token_file: join(dir, 'short.token') } }).problems.join('\n'), /^\/server\/admin_token_file: the token in .* is shorter than 16 characters$/);
  });

  it('reads the Redis password from redis.password_file', () => {
    assert.equal(load(redis(join(dir, 'redis.password'))).secrets.redisPassword, REDIS_PASSWORD);
  });

  it('names redis.password_file when it cannot be read', () => {
    assert.deepEqual(refusal(redis(join(dir, 'missing'))).problems, [`/redis/password_file: cannot read ${join(dir, 'missing')}`]);
  });

  it('reads the hash key without its trailing newline', () => {
    assert.equal(Buffer.from(load({ redaction: { hash_key_file: join(dir, 'hash.key') } }).secrets.redactionHashKey ?? []).toString(), '0123456789abcdef0123');
  });

  it('refuses a hash key shorter than 16 bytes, naming the key', () => {
    assert.deepEqual(refusal({ redaction: { hash_key_file: join(dir, 'short.token') } }).problems, ['/redaction/hash_key_file: the key must have at least 16 bytes.']);
  });

  it('reads the trace export headers from telemetry.otlp.headers_file', () => {
    const telemetry = { otlp: { endpoint: 'http://127.0.0.1:4318', headers_file: join(dir, 'otlp-headers') } };
    assert.deepEqual(load({ telemetry }).secrets.otlpHeaders, { authorization: `Bearer ${COLLECTOR_TOKEN}` });
  });

  it('names the headers line that is not a header without printing it', () => {
    const telemetry = { otlp: { endpoint: 'http://127.0.0.1:4318', headers_file: join(dir, 'bad-headers') } };
    const { problems, text } = refusal({ telemetry });
    assert.deepEqual({ problems, leaked: text.includes(COLLECTOR_TOKEN) }, { problems: ['/telemetry/otlp/headers_file: line 2 is not "Name: value"'], leaked: false });
  });

  it("reads each introspecting issuer's client secret", () => {
    const identity = { oidc: [{ issuer: 'https://idp.example', client_id: 'gw', audience: 'gw', introspection: { client_secret_file: join(dir, 'admin.token') } }] };
    assert.equal(load({ identity }).secrets.introspectionSecrets.get('https://idp.example'), ADMIN_TOKEN);
  });

  it('keeps every secret out of the configuration itself', () => {
    const loaded = load({ server: { admin_token_file: join(dir, 'admin.token') }, ...redis(join(dir, 'redis.password')) });
    const text = JSON.stringify(loaded.config);
    assert.deepEqual([ADMIN_TOKEN, REDIS_PASSWORD].filter((s) => text.includes(s)), []);
  });

  it('requires redis when the cache or the limits use it', () => {
    assert.deepEqual(refusal({ limits: { backend: 'redis' } }).problems, ['/redis: required when limits.backend or cache.backend is "redis"']);
  });
});
