// The port between the response cache and where answers are kept (this process or Redis).
import type { ComponentStatus } from '../health.js';

export interface CacheStore {
  readonly backend: 'memory' | 'redis';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Bytes held, where the store can tell (memory). */
  bytes(): number | undefined;
  status(): ComponentStatus;
  close(): Promise<void>;
}
