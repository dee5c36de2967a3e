// One worker of several serving one port: the gateway as usual, with the limits and the memory
// cache of the primary, a ledger log of its own, and its readiness reported to the primary, which
// tells every worker how all of them are doing so that /readyz covers the whole gateway.
import { AggregatorRegistry } from 'prom-client';
import type { LoadedConfig } from '../config/load-config.js';
import type { ComponentStatus } from '../health.js';
import { startGateway, type RunningGateway } from '../start.js';
import { createIpcClient, isPalisadeMessage, type IpcEndpoint, type NoticeMessage } from './ipc.js';
import { createPrimaryCacheStore, createPrimaryLimitStore } from './shared-stores.js';
import { bundleAgreementMs, WORKER_GRACE_MS } from './bundle-agreement.js';

/** How long a worker waits for the primary to answer a call about limits or the cache. */
const CALL_TIMEOUT_MS = 2000;
/** prom-client's primary gives up on a worker's metrics after 5 s; this waits a little longer. */
const METRICS_TIMEOUT_MS = 6000;
/** How often a worker tells the primary whether it is ready (the primary passes changes on at once). */
const REPORT_EVERY_MS = 1000;

export interface WorkerOptions {
  slot: number;
  /** The IPC channel to the primary (`process` in a cluster worker). */
  channel: IpcEndpoint;
  /** Re-reads the configuration file, for reloads. */
  load: () => LoadedConfig;
}

/** Whether every worker is ready, from the primary's last word; not ready until it has spoken. */
function peersStatus(statuses: Record<string, { ready: boolean; detail?: string }> | undefined): ComponentStatus {
  if (statuses === undefined) return { ready: false, detail: 'no word from the primary process yet' };
  const waiting = Object.entries(statuses)
    .filter(([, s]) => !s.ready)
    .map(([slot, s]) => `worker ${slot}${s.detail !== undefined ? ` (${s.detail})` : ''}`);
  const count = Object.keys(statuses).length;
  return waiting.length === 0 ? { ready: true, detail: `${count} workers ready` } : { ready: false, detail: `not ready: ${waiting.join(', ')}` };
}

export async function runWorker(loaded: LoadedConfig, options: WorkerOptions): Promise<RunningGateway> {
  const { channel, slot } = options;
  const client = createIpcClient(channel, { timeoutMs: CALL_TIMEOUT_MS });
  let statuses: Record<string, { ready: boolean; detail?: string }> | undefined;
  // A reload asked for before the gateway has started has nothing to do: it reads the file as it starts.
  let reload = (): void => {};
  const onNotice = (message: unknown): void => {
    if (!isPalisadeMessage(message)) return;
    if (message.palisade === 'workers') statuses = message.statuses;
    else if (message.palisade === 'reload') reload();
  };
  channel.on('message', onNotice);
  const running = await startGateway(loaded, {
    reload: { load: options.load },
    worker: {
      slot,
      memoryStores: { limits: createPrimaryLimitStore(client), cache: createPrimaryCacheStore(client) },
      peers: () => peersStatus(statuses),
      shareMetrics: (registry) => {
        // prom-client answers the primary's requests for this registry over the cluster channel.
        new AggregatorRegistry();
        AggregatorRegistry.setRegistries(registry);
      },
      clusterMetrics: () => client.callWithin<string>(METRICS_TIMEOUT_MS, 'metrics.cluster'),
      agreeOnBundle: (bundle) => client.callWithin<void>(bundleAgreementMs(loaded.config.policy.poll_interval_ms) + WORKER_GRACE_MS, 'bundle.agree', bundle.digest),
    },
  });
  reload = () => void running.reload();
  const report = (): void => {
    // Its own components only: the workers' component is what the primary builds from these reports.
    const problems = Object.entries(running.readiness())
      .filter(([name, s]) => name !== 'workers' && !s.ready)
      .map(([name, s]) => `${name}${s.detail !== undefined ? `: ${s.detail}` : ''}`);
    const notice: NoticeMessage = problems.length === 0 ? { palisade: 'ready', ready: true } : { palisade: 'ready', ready: false, detail: problems.join('; ') };
    try {
      channel.send(notice);
    } catch {
      // The primary is gone; the disconnect handler of the command line stops this worker.
    }
  };
  report();
  const timer = setInterval(report, REPORT_EVERY_MS);
  timer.unref();
  channel.send({ palisade: 'listening', url: running.url } satisfies NoticeMessage);
  return {
    ...running,
    close: async () => {
      clearInterval(timer);
      channel.off('message', onNotice);
      await running.close();
      client.close();
    },
  };
}
