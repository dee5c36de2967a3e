// Values the configuration loader fills in after validation because they depend on other values
// (each is marked `FilledIn` in its section's schema), so the loaded configuration is complete and
// nothing downstream re-applies a default.
import { dirname, join } from 'node:path';
import { PROVIDER_TIMEOUT_MS } from '../providers/config-schema.js';
import type { GatewayConfig } from './schema.js';

/** What the file may leave out of a value the schema requires. */
type Lacking<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** Fills in `config`'s dependent values in place. */
export function fillIn(config: GatewayConfig): void {
  // The content key store and content store live beside the master key unless placed elsewhere.
  const content: Lacking<GatewayConfig['audit']['content'], 'keys_dir' | 'store_dir'> = config.audit.content;
  const keyHome = dirname(config.audit.commitment_key_file);
  content.keys_dir ??= join(keyHome, 'subject-keys');
  content.store_dir ??= join(keyHome, 'content');
  for (const p of config.providers) {
    if (p.type === 'echo') continue;
    const provider: Lacking<typeof p, 'timeout_ms' | 'stream_idle_timeout_ms'> = p;
    provider.timeout_ms ??= PROVIDER_TIMEOUT_MS;
    provider.stream_idle_timeout_ms ??= provider.timeout_ms;
  }
}
