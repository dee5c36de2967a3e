// The loaded configuration is complete: values that depend on other values are filled in by the
// loader, so nothing downstream re-applies a default.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError, parseConfig } from '@palisade/gateway';

const base = {
  policy: { bundle: 'bundles/palisade.tar.gz' },
  providers: [{ name: 'echo', type: 'echo' }],
  models: [{ name: 'echo', provider: 'echo' }],
  audit: { sink: 'ledger', commitment_key_file: 'keys/commitment.key', ledger: { dir: 'd', origin: 'o', signing_key_file: 's' } },
};

function load(patch: Record<string, unknown>) {
  return parseConfig({ path: 'c.json', text: JSON.stringify({ ...base, ...patch }), env: { UP_KEY: 'sk-up' } }).config;
}

function problemsOf(patch: Record<string, unknown>): string[] {
  try {
    load(patch);
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    return (err.data?.['problems'] as string[] | undefined) ?? [];
  }
  return [];
}

const openai = { name: 'up', type: 'openai', api_key_env: 'UP_KEY' };

/** A configuration whose one model is answered by `provider`. */
function upstream(provider: Record<string, unknown>): Record<string, unknown> {
  return { providers: [provider], models: [{ name: 'm', provider: provider['name'] }] };
}

describe('loaded configuration', () => {
  it("gives a provider without timeout_ms a wait of 120000 ms for the provider's headers", () => {
    const provider = load(upstream(openai)).providers[0];
    assert.equal(provider?.type === 'echo' ? undefined : provider?.timeout_ms, 120000);
  });

  it('lets a stream stay idle as long as timeout_ms when stream_idle_timeout_ms is not given', () => {
    const provider = load(upstream({ ...openai, timeout_ms: 7000 })).providers[0];
    assert.equal(provider?.type === 'echo' ? undefined : provider?.stream_idle_timeout_ms, 7000);
  });

  it('keeps a stream idle timeout that is given', () => {
    const provider = load(upstream({ ...openai, timeout_ms: 7000, stream_idle_timeout_ms: 900 })).providers[0];
    assert.equal(provider?.type === 'echo' ? undefined : provider?.stream_idle_timeout_ms, 900);
  });

  it('adds no timeouts to an echo provider', () => {
    assert.deepEqual(load({}).providers[0], { name: 'echo', type: 'echo' });
  });

  it('keeps subject keys beside the commitment key when keys_dir is not given', () => {
    assert.equal(load({}).audit.content.keys_dir, 'keys/subject-keys');
  });

  it('keeps sealed content beside the commitment key when store_dir is not given', () => {
    assert.equal(load({}).audit.content.store_dir, 'keys/content');
  });

  it('keeps content folders that are given', () => {
    const audit = { ...base.audit, content: { keys_dir: 'elsewhere/keys', store_dir: 'elsewhere/content' } };
    assert.deepEqual(load({ audit }).audit.content, { keys_dir: 'elsewhere/keys', store_dir: 'elsewhere/content', key_cache_ms: 5000 });
  });

  it('still checks a filled-in value the file gives, naming its key', () => {
    assert.deepEqual(problemsOf(upstream({ ...openai, timeout_ms: 0 })), ['/providers/0/timeout_ms: must be >= 1']);
  });
});
