// How many workers `server.workers` asks for on this machine.
import type { ServerConfig } from '../http/config-schema.js';

export function workerCount(setting: ServerConfig['workers'], cores: number): number {
  return setting === 'auto' ? Math.max(1, cores) : setting;
}
