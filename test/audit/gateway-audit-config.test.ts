// The gateway's `audit` configuration: spool mode needs a spool folder, checkpoint and content settings get their defaults.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '@palisade/gateway';
import { baseConfig } from '../support/gateway.js';

function load(audit: Record<string, unknown>): ReturnType<typeof parseConfig> {
  const config = baseConfig('/srv/palisade');
  config['audit'] = audit;
  return parseConfig({ path: 'gateway.json', text: JSON.stringify(config), env: {} });
}

function problems(audit: Record<string, unknown>): string[] {
  try {
    load(audit);
    return [];
  } catch (err) {
    return ((err as { data?: { problems?: string[] } }).data?.problems ?? [String(err)]).filter((p) => p.startsWith('/audit'));
  }
}

const kafka = { brokers: ['127.0.0.1:9092'], topic: 'palisade.audit', client_id: 'gw', ack_timeout_ms: 1000, linger_ms: 0 };

describe('audit configuration', () => {
  it('defaults to reject, and places the content stores beside the master key', () => {
    const { config } = load({ sink: 'kafka', kafka, commitment_key_file: '/srv/keys/master.key', create_commitment_key: false });
    assert.equal(config.audit.kafka?.on_unavailable, 'reject');
    assert.deepEqual(config.audit.content, { keys_dir: '/srv/keys/subject-keys', store_dir: '/srv/keys/content', key_cache_ms: 5000 });
    const ledger = load({
      sink: 'ledger',
      ledger: { dir: '/srv/ledger', origin: 'o', signing_key_file: '/srv/k', create_signing_key: false },
      commitment_key_file: '/srv/keys/master.key',
      create_commitment_key: false,
      content: { keys_dir: '/vault/subjects' },
    }).config;
    assert.deepEqual([ledger.audit.ledger?.checkpoint_every, ledger.audit.ledger?.checkpoint_interval_ms], [4096, 1000]);
    assert.equal(ledger.audit.content.keys_dir, '/vault/subjects');
  });

  it('reports every audit problem with its path', () => {
    assert.deepEqual(problems({ sink: 'kafka', kafka: { ...kafka, on_unavailable: 'spool' }, commitment_key_file: '/k', create_commitment_key: false }), [
      '/audit/kafka/spool_dir: required when on_unavailable is "spool"',
    ]);
    assert.deepEqual(problems({ sink: 'kafka', kafka: { ...kafka, on_unavailable: 'queue' }, commitment_key_file: '/k', create_commitment_key: false }), [
      '/audit/kafka/on_unavailable: must be equal to one of the allowed values',
    ]);
    assert.deepEqual(problems({ sink: 'kafka', kafka, commitment_key_file: '/k', create_commitment_key: false, content: { store: '/x' } }), ['/audit/content: unknown property "store"']);
  });
});
