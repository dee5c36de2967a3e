// The `identity` config: defaults that keep existing files working, and problems reported with
// the path of the offending value, from the schema and from the cross-field rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError, parseConfig } from '@palisade/gateway';
import { REPO, baseConfig, startTestGateway } from '../support/gateway.js';

type Json = Record<string, unknown>;

function problemsOf(patch: (identity: Json) => void): string[] {
  const config = baseConfig('/nonexistent');
  patch(config['identity'] as Json);
  try {
    parseConfig({ path: 'test.json', text: JSON.stringify(config), env: {} });
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.code, 'GW_ERR_CONFIG_INVALID');
    return (err.data?.['problems'] as string[] | undefined) ?? [];
  }
  return [];
}

const issuer = (extra: Json = {}): Json => ({ issuer: 'https://idp.example', client_id: 'palisade', audience: 'urn:palisade', ...extra });

describe('identity config', () => {
  it('keeps config/dev.json working and fills the new defaults', () => {
    const { config } = parseConfig({ path: 'config/dev.json', text: readFileSync(join(REPO, 'config/dev.json'), 'utf8'), env: {} });
    // The demo analyst, the demo privileged user and the demo auditor of the console.
    assert.deepEqual(config.identity.api_keys.map((k) => k.id), ['demo-analyst', 'demo-privileged', 'demo-auditor']);
    assert.equal(config.identity.user_token_header, 'x-palisade-user-token');
    assert.equal(config.identity.max_token_bytes, 8192);
    assert.deepEqual(config.identity.denial_audit, { rate_per_s: 100, burst: 200 });
    assert.equal(config.identity.trusted_proxy, undefined);
  });

  it('fills issuer defaults: asymmetric algorithms, required claims, key cache and cooldown', () => {
    const config = baseConfig('/nonexistent');
    (config['identity'] as Json)['oidc'] = [issuer()];
    const { config: parsed } = parseConfig({ path: 't.json', text: JSON.stringify(config), env: {} });
    const o = parsed.identity.oidc[0];
    assert.deepEqual(o?.algorithms, ['RS256', 'ES256']);
    assert.deepEqual(o?.required_claims, ['sub', 'exp']);
    assert.equal(o?.jwks_cache_s, 600);
    assert.equal(o?.jwks_cooldown_s, 30);
    assert.equal(o?.clock_tolerance_s, 30);
  });

  it('refuses HMAC algorithms and none, naming the path', () => {
    for (const alg of ['HS256', 'none']) {
      const problems = problemsOf((i) => {
        i['oidc'] = [issuer({ algorithms: ['RS256', alg] })];
      });
      assert.ok(problems.some((p) => p.startsWith('/identity/oidc/0/algorithms/1:')), `${alg}: ${problems.join('; ')}`);
    }
  });

  it('names the path of malformed values', () => {
    const problems = problemsOf((i) => {
      i['user_token_header'] = 'X Palisade';
      i['trusted_proxy'] = { sources: [], user_header: 'x-forwarded-user', extra: 1 };
      i['api_keys'] = [{ id: 'k', key_sha256: 'f'.repeat(64), sub: 's', roles: [], expires_at: 'tomorrow' }];
      i['oidc'] = [issuer({ claims: { attributes: { 'Bad-Name': 'x' } }, introspection: { cache_max_s: -1 } })];
    });
    for (const path of [
      '/identity/user_token_header:',
      '/identity/trusted_proxy: unknown property "extra"',
      '/identity/trusted_proxy/sources:',
      '/identity/api_keys/0/expires_at:',
      '/identity/oidc/0/claims/attributes:',
      '/identity/oidc/0/introspection: missing property "client_secret_file"',
      '/identity/oidc/0/introspection/cache_max_s:',
    ]) {
      assert.ok(problems.some((p) => p.startsWith(path)), `${path} in ${problems.join('; ')}`);
    }
  });

  it('refuses cross-field mistakes at start, naming their paths', async () => {
    const cases: [string, (identity: Json) => void][] = [
      ['/identity/oidc/1/issuer: duplicate issuer', (i) => (i['oidc'] = [issuer(), issuer()])],
      [
        '/identity/oidc/1/introspection: only one issuer may introspect',
        (i) => (i['oidc'] = [issuer({ introspection: { client_secret_file: '/dev/null' } }), issuer({ issuer: 'https://other.example', introspection: { client_secret_file: '/dev/null' } })]),
      ],
      ['/identity/trusted_proxy/sources/1: "10.0.0.0/33" has an invalid prefix length', (i) => (i['trusted_proxy'] = { sources: ['10.0.0.0/8', '10.0.0.0/33'] })],
      ['/identity/trusted_proxy/sources/0: "proxy.internal" is not an IP address', (i) => (i['trusted_proxy'] = { sources: ['proxy.internal'] })],
      ['/identity/user_token_header: "authorization" already carries other data', (i) => (i['user_token_header'] = 'authorization')],
      ['/identity/oidc/0/introspection/client_secret_file: cannot read', (i) => (i['oidc'] = [issuer({ introspection: { client_secret_file: '/nonexistent/secret' } })])],
    ];
    for (const [expected, patch] of cases) {
      await assert.rejects(
        startTestGateway((c) => patch(c['identity'] as Json)),
        (err: unknown) => err instanceof GatewayError && err.code === 'GW_ERR_CONFIG_INVALID' && err.message.includes(expected),
        expected,
      );
    }
  });
});
