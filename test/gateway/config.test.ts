// The configuration is validated once, and every problem is reported together with its path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError, parseConfig } from '@palisade/gateway';

const valid = {
  policy: { bundle: 'bundles/palisade.tar.gz' },
  providers: [{ name: 'echo', type: 'echo' }],
  models: [{ name: 'echo', provider: 'echo' }],
  audit: { sink: 'ledger', commitment_key_file: 'k', ledger: { dir: 'd', origin: 'o', signing_key_file: 's' } },
};

function problems(config: unknown, env: Record<string, string> = {}): string[] {
  try {
    parseConfig({ path: 'c.json', text: JSON.stringify(config), env });
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.code, 'GW_ERR_CONFIG_INVALID');
    return (err.data?.['problems'] as string[]) ?? [];
  }
  return [];
}

describe('configuration', () => {
  it('fills defaults and freezes the result', () => {
    const { config } = parseConfig({ path: 'c.json', text: JSON.stringify(valid), env: {} });
    assert.equal(config.server.port, 8080);
    assert.equal(config.server.host, '127.0.0.1');
    assert.ok(Object.isFrozen(config.server));
  });

  it('reports every schema problem with its path', () => {
    const found = problems({ ...valid, server: { port: 'eighty', colour: 'blue' }, audit: { sink: 'tape' } });
    assert.ok(found.includes('/server/port: must be integer'), found.join('\n'));
    assert.ok(found.includes('/server: unknown property "colour"'), found.join('\n'));
    assert.ok(found.some((p) => p.startsWith('/audit/sink')), found.join('\n'));
    assert.ok(found.includes('/audit: missing property "commitment_key_file"'), found.join('\n'));
  });

  it('reports cross-field problems together', () => {
    const found = problems({
      ...valid,
      providers: [{ name: 'up', type: 'openai', base_url: 'https://api.example', api_key_env: 'MISSING_KEY' }, { name: 'up', type: 'echo' }],
      models: [{ name: 'm', provider: 'nowhere' }],
      audit: { sink: 'kafka', commitment_key_file: 'k' },
    });
    assert.ok(found.includes('/providers/1/name: duplicate provider "up"'), found.join('\n'));
    assert.ok(found.includes('/models/0/provider: no provider named "nowhere"'), found.join('\n'));
    assert.ok(found.includes('/audit/kafka: required when sink is "kafka"'), found.join('\n'));
    assert.ok(found.includes('/providers/0/api_key_env: environment variable MISSING_KEY is not set'), found.join('\n'));
  });

  it('reads provider keys from the environment given to it, and keeps them out of the config', () => {
    const loaded = parseConfig({
      path: 'c.json',
      text: JSON.stringify({ ...valid, providers: [{ name: 'up', type: 'openai', base_url: 'https://api.example', api_key_env: 'UP_KEY' }], models: [{ name: 'm', provider: 'up' }] }),
      env: { UP_KEY: 'sk-provider-secret' },
    });
    assert.equal(loaded.providerKeys.get('up'), 'sk-provider-secret');
    assert.ok(!JSON.stringify(loaded.config).includes('sk-provider-secret'));
  });
});
