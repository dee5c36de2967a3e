// The primary of several workers on one port (node:cluster): it serves no request itself. It
// starts the workers, one first so that keys and folders are created once, then the rest; keeps
// the limit counters and the memory cache every worker uses; tells every worker how all of them
// are doing, for /readyz; passes SIGHUP on as a reload; starts a worker again in its slot when
// one dies; and stops them all on SIGTERM.
import type { Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { LoadedConfig } from '../config/load-config.js';
import { createLruStore } from '../cache/index.js';
import { createMemoryLimitStore } from '../limits/memory-store.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { isPalisadeMessage, serveIpc, type NoticeMessage } from './ipc.js';
import { sharedStoreHandlers } from './shared-stores.js';
import { bundleAgreementMs } from './bundle-agreement.js';
import { createBundleBarrier } from './bundle-barrier.js';

/** What the primary needs of node:cluster, passed in so the command line decides how workers start. */
export interface WorkerForker {
  /** Starts a worker that serves slot `slot` (the command line passes it on to the worker). */
  fork(slot: number): Worker;
}

export interface PrimaryOptions {
  count: number;
  forker: WorkerForker;
  clock?: () => number;
  logger?: Logger;
}

export interface RunningPrimary {
  /** Where the workers listen. */
  readonly url: string;
  /** Asks every worker to re-read the configuration. */
  reload(): void;
  /** Stops every worker (each drains its requests first) and the shared stores. */
  close(): Promise<void>;
}

/** Restart delays after a worker dies: it doubles while workers keep dying, up to the last. */
const RESTART_DELAYS_MS = [100, 500, 1000, 5000, 30_000];
/** A worker that lived this long resets the delay. */
const STABLE_AFTER_MS = 60_000;
const BROADCAST_EVERY_MS = 1000;

interface Slot {
  slot: number;
  worker?: Worker;
  status: { ready: boolean; detail?: string };
  startedAt: number;
  restarts: number;
  timer?: NodeJS.Timeout;
}

export async function runPrimary(loaded: LoadedConfig, options: PrimaryOptions): Promise<RunningPrimary> {
  const { config } = loaded;
  const clock = options.clock ?? Date.now;
  const logger =
    options.logger ??
    createLogger({ level: config.log.level, base: { service: 'palisade-gateway', gateway_id: config.server.gateway_id, worker: 'primary' } });
  const limits = createMemoryLimitStore({ clock });
  const cache = config.cache.backend === 'memory' ? createLruStore({ maxBytes: config.cache.max_bytes, clock }) : undefined;
  // Sums every worker's metrics for /metrics (prom-client asks each worker over the cluster channel).
  const aggregator = new AggregatorRegistry();
  const handlers = { ...sharedStoreHandlers({ limits, ...(cache ? { cache } : {}) }), 'metrics.cluster': () => aggregator.clusterMetrics() };
  // Workers that listen take part in bundle changes; one that is starting loads what is current.
  const serving = new Set<number>();
  const barrier = createBundleBarrier({ running: () => [...serving], timeoutMs: bundleAgreementMs(config.policy.poll_interval_ms) });
  const slots: Slot[] = Array.from({ length: options.count }, (_, i) => ({ slot: i + 1, status: { ready: false, detail: 'starting' }, startedAt: 0, restarts: 0 }));
  let closing = false;

  const statuses = (): Record<string, { ready: boolean; detail?: string }> => Object.fromEntries(slots.map((s) => [String(s.slot), s.status]));
  const broadcast = (): void => {
    const notice: NoticeMessage = { palisade: 'workers', statuses: statuses() };
    for (const s of slots) {
      if (s.worker?.isConnected() === true) {
        try {
          s.worker.send(notice);
        } catch {
          // It is on its way out; its exit handler takes over.
        }
      }
    }
  };
  const broadcaster = setInterval(broadcast, BROADCAST_EVERY_MS);
  broadcaster.unref();

  function start(s: Slot): Promise<string> {
    const worker = options.forker.fork(s.slot);
    s.worker = worker;
    s.startedAt = clock();
    s.status = { ready: false, detail: 'starting' };
    const stopServing = serveIpc(worker, { ...handlers, 'bundle.agree': (digest: string) => barrier.agree(s.slot, digest) });
    return new Promise<string>((resolve, reject) => {
      let listened = false;
      worker.on('message', (message: unknown) => {
        if (!isPalisadeMessage(message)) return;
        if (message.palisade === 'listening' && !listened) {
          listened = true;
          serving.add(s.slot);
          barrier.changed();
          logger.info({ slot: s.slot, pid: worker.process.pid, url: message.url }, 'worker listening');
          resolve(message.url);
        } else if (message.palisade === 'ready') {
          const before = JSON.stringify(s.status);
          s.status = message.detail === undefined ? { ready: message.ready } : { ready: message.ready, detail: message.detail };
          if (JSON.stringify(s.status) !== before) broadcast();
        }
      });
      worker.on('exit', (code, signal) => {
        stopServing();
        serving.delete(s.slot);
        barrier.changed();
        if (s.worker === worker) s.worker = undefined;
        if (!listened) reject(new Error(`worker ${s.slot} exited with ${signal ?? `code ${String(code)}`} before it listened`));
        if (closing) return;
        s.status = { ready: false, detail: 'restarting' };
        broadcast();
        if (clock() - s.startedAt > STABLE_AFTER_MS) s.restarts = 0;
        const delay = RESTART_DELAYS_MS[Math.min(s.restarts, RESTART_DELAYS_MS.length - 1)] ?? 30_000;
        s.restarts++;
        logger.error({ slot: s.slot, pid: worker.process.pid, code, signal, restart_in_ms: delay }, 'worker exited; starting another in its slot');
        s.timer = setTimeout(() => {
          s.timer = undefined;
          if (!closing) start(s).catch((err: unknown) => logger.error({ slot: s.slot, err }, 'worker could not start'));
        }, delay);
      });
    });
  }

  async function close(): Promise<void> {
    closing = true;
    clearInterval(broadcaster);
    const exits = slots.map((s) => {
      if (s.timer) clearTimeout(s.timer);
      const worker = s.worker;
      if (worker === undefined || worker.isDead()) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // Past the workers' own grace period, whatever is left is stopped.
        const force = setTimeout(() => worker.process.kill('SIGKILL'), config.server.shutdown_grace_ms + 10_000);
        worker.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        worker.process.kill('SIGTERM');
      });
    });
    await Promise.all(exits);
    await limits.close();
    await cache?.close();
    logger.info('all workers stopped');
  }

  let url: string;
  try {
    // The first worker alone: it creates the signing and content keys and the folders, which the
    // others then find.
    const [first, ...rest] = slots;
    if (first === undefined) throw new Error('no workers to start');
    url = await start(first);
    await Promise.all(rest.map((s) => start(s)));
  } catch (err) {
    await close();
    throw err;
  }
  broadcast();
  return {
    url,
    reload: () => {
      for (const s of slots) {
        try {
          s.worker?.send({ palisade: 'reload' } satisfies NoticeMessage);
        } catch {
          // Not running; it reads the file afresh when it starts again.
        }
      }
    },
    close,
  };
}
