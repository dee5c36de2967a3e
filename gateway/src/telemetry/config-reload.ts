// What a re-read configuration file may change in a running gateway. Only what can change without
// dropping a request or weakening a guarantee is applied: today the log level. Every other
// difference from the configuration the process started with is reported as needing a restart,
// and a file that does not load changes nothing at all.
import { isDeepStrictEqual } from 'node:util';
import type { LoadedConfig } from '../config/load-config.js';
import type { GatewayConfig } from '../config/schema.js';
import { toGatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';

export interface ReloadReport {
  /** Settings now in effect, by path. */
  applied: string[];
  /** Top-level sections (and `provider keys`, `secret files`) that differ from the running process and wait for a restart. */
  restartRequired: string[];
}

/** Settings applied in place, by path; each knows how to read itself from a configuration. */
const HOT = {
  'log.level': (c: Readonly<GatewayConfig>) => c.log.level,
} as const;

type HotPath = keyof typeof HOT;

function sameKeys(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/** The differences between the configuration the process started with and a newly loaded one. */
export function planReload(started: LoadedConfig, live: Readonly<GatewayConfig>, next: LoadedConfig): ReloadReport {
  const applied = (Object.keys(HOT) as HotPath[]).filter((path) => HOT[path](live) !== HOT[path](next.config));
  const restartRequired: string[] = [];
  const sections = new Set([...Object.keys(started.config), ...Object.keys(next.config)]) as Set<keyof GatewayConfig>;
  for (const section of sections) {
    if (section === 'log') continue;
    if (!isDeepStrictEqual(started.config[section], next.config[section])) restartRequired.push(section);
  }
  // Only that they differ is said: the keys themselves never reach a log.
  if (!sameKeys(started.providerKeys, next.providerKeys)) restartRequired.push('provider keys');
  // The same for the secret files the configuration names: a changed token or key waits for a restart.
  if (!isDeepStrictEqual(started.secrets, next.secrets)) restartRequired.push('secret files');
  return { applied, restartRequired };
}

export interface ConfigReloader {
  /** Re-reads the configuration and applies what is safe; never throws. */
  reload(): ReloadReport | undefined;
}

export function createConfigReloader(started: LoadedConfig, deps: { load: () => LoadedConfig; logger: Logger }): ConfigReloader {
  const { logger } = deps;
  let live: Readonly<GatewayConfig> = started.config;
  return {
    reload() {
      let next: LoadedConfig;
      try {
        next = deps.load();
      } catch (err) {
        const e = toGatewayError(err);
        // The problems name paths in the file and what is wrong there, never its values.
        logger.error({ code: e.code, problems: e.data?.['problems'] ?? e.detail }, 'configuration not reloaded: the file is not valid; the running configuration stays');
        return undefined;
      }
      const report = planReload(started, live, next);
      // Said before the level changes, so the line is written whatever the new level is.
      logger.info({ applied: report.applied, restart_required: report.restartRequired }, 'configuration reloaded');
      if (report.restartRequired.length > 0) logger.warn({ restart_required: report.restartRequired }, 'configuration changes wait for a restart');
      logger.level = next.config.log.level;
      live = { ...live, log: next.config.log };
      return report;
    },
  };
}
