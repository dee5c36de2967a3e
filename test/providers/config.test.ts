// The providers, models, routing, prices and pass-through sections of the configuration: each
// provider type's required and allowed fields, model targets, and secrets kept out of the config.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError, parseConfig } from '@palisade/gateway';

const base = {
  policy: { bundle: 'bundles/palisade.tar.gz' },
  audit: { sink: 'ledger', commitment_key_file: 'k', ledger: { dir: 'd', origin: 'o', signing_key_file: 's' } },
};

function parse(providers: unknown[], models: unknown[], extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  return parseConfig({ path: 'c.json', text: JSON.stringify({ ...base, providers, models, ...extra }), env, readFile: (p) => `secret-from-${p}\n` });
}

function problems(providers: unknown[], models: unknown[], extra: Record<string, unknown> = {}, env: Record<string, string> = {}): string[] {
  try {
    parse(providers, models, extra, env);
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    return (err.data?.['problems'] as string[]) ?? [];
  }
  return [];
}

describe('provider configuration', () => {
  it('accepts every provider type with its fields, and fills timeouts and routing defaults', () => {
    const { config, providerKeys } = parse(
      [
        { name: 'oa', type: 'openai', api_key_env: 'OA' },
        { name: 'az', type: 'azure', base_url: 'https://r.openai.azure.com', api_version: '2024-10-21', api_key_file: '/k/az' },
        { name: 'vl', type: 'openai-compatible', base_url: 'http://127.0.0.1:8000/v1', stream_usage: false },
        { name: 'an', type: 'anthropic', api_key_env: 'AN', anthropic_version: '2023-06-01', region: 'eu-west-1' },
        { name: 'br', type: 'bedrock', region: 'us-east-1', access_key_id_env: 'AKID', api_key_env: 'SECRET', session_token_env: 'TOKEN' },
        { name: 'ge', type: 'gemini', api_key_env: 'GE', timeout_ms: 5000 },
        { name: 'vx', type: 'vertex', project: 'p', region: 'us-central1', token_file: '/t' },
      ],
      [{ name: 'm', targets: [{ provider: 'oa', model: 'gpt-4o' }, { provider: 'an', model: 'claude-sonnet-4-5', weight: 2 }], strategy: 'weighted' }],
      { prices: { 'gpt-4o': { input_per_mtok: 2.5, output_per_mtok: 10 } } },
      { OA: 'sk-oa', AN: 'sk-an', AKID: 'AKIAEXAMPLE', SECRET: 'aws-secret', TOKEN: 'aws-token', GE: 'ge-key' },
    );
    assert.equal(providerKeys.get('oa'), 'sk-oa');
    assert.equal(providerKeys.get('az'), 'secret-from-/k/az');
    assert.equal(providerKeys.get('br'), 'aws-secret');
    assert.equal(providerKeys.get('br/access_key_id'), 'AKIAEXAMPLE');
    assert.equal(providerKeys.get('br/session_token'), 'aws-token');
    const text = JSON.stringify(config);
    for (const secret of ['sk-oa', 'aws-secret', 'aws-token', 'secret-from']) assert.ok(!text.includes(secret), secret);
    const ge = config.providers.find((p) => p.name === 'ge') as { timeout_ms: number; stream_idle_timeout_ms: number };
    assert.deepEqual([ge.timeout_ms, ge.stream_idle_timeout_ms], [5000, 5000]);
    assert.equal(config.routing.retry.max_attempts, 2);
    assert.equal(config.routing.breaker.consecutive_failures, 5);
    assert.equal(config.models[0]?.targets?.[0]?.weight, 1);
    assert.deepEqual(config.passthrough, []);
  });

  it('reports each type’s missing and foreign fields', () => {
    const found = problems(
      [
        { name: 'az', type: 'azure' },
        { name: 'br', type: 'bedrock', region: 'us-east-1' },
        { name: 'vx', type: 'vertex', project: 'p' },
        { name: 'oa', type: 'openai', api_version: '1', project: 'x' },
        { name: 'e', type: 'echo', timeout_ms: 5 },
      ],
      [{ name: 'm', provider: 'e' }],
    );
    for (const p of [
      '/providers/0: missing property "base_url"',
      '/providers/0: missing property "api_version"',
      '/providers/1: give access_key_id or access_key_id_env',
      '/providers/1: give the secret access key in api_key_env or api_key_file',
      '/providers/2: missing property "region"',
      '/providers/2: missing property "token_file"',
      '/providers/3: unknown property "api_version" for type "openai"',
      '/providers/3: unknown property "project" for type "openai"',
      '/providers/4: unknown property "timeout_ms" for type "echo"',
    ]) assert.ok(found.includes(p), `${p}\nin\n${found.join('\n')}`);
  });

  it('checks model targets and pass-through routes', () => {
    const found = problems(
      [{ name: 'e', type: 'echo' }, { name: 'oa', type: 'openai' }],
      [
        { name: 'both', provider: 'e', targets: [{ provider: 'e' }] },
        { name: 'neither' },
        { name: 'ghost', targets: [{ provider: 'nowhere' }] },
      ],
      { passthrough: [{ route: '/v1/files', provider: 'e' }, { route: '/v1/chat', provider: 'oa' }, { route: '/v1/batches', provider: 'missing' }] },
    );
    for (const p of [
      '/models/0: give "provider" or "targets", not both',
      '/models/1: give "provider" or "targets", not both',
      '/models/2/targets/0/provider: no provider named "nowhere"',
      '/passthrough/0/provider: "e" is of type echo, which cannot be passed through',
      '/passthrough/1/route: "/v1/chat" overlaps a route the gateway serves',
      '/passthrough/2/provider: no provider named "missing"',
    ]) assert.ok(found.includes(p), `${p}\nin\n${found.join('\n')}`);
  });

  it('refuses provider names that could collide with its secrets’ names', () => {
    assert.ok(problems([{ name: 'a/b', type: 'echo' }], [{ name: 'm', provider: 'a/b' }]).some((p) => p.startsWith('/providers/0/name')));
  });
});
