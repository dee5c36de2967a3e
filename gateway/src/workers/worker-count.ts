// How many workers `server.workers` asks for on this machine. `auto` is one per core the process
// may use: the machine's cores, or fewer when a container's CPU quota (cgroup v2 `cpu.max`, or v1
// `cpu.cfs_quota_us`) allows less, since Node's availableParallelism() does not read quotas. With
// the embedded ledger `auto` is one process: its audit console keeps state in one process
// (docs/workers.md), and a number still starts workers there.
import type { ServerConfig } from '../http/config-schema.js';

export interface MachineCpus {
  /** os.availableParallelism(). */
  cores: number;
  /** The container's CPU quota in cores, when one is set. */
  quota?: number | undefined;
}

export function workerCount(setting: ServerConfig['workers'], sink: 'ledger' | 'kafka', cpus: MachineCpus): number {
  if (setting !== 'auto') return setting;
  if (sink === 'ledger') return 1;
  return Math.max(1, Math.min(cpus.cores, Math.floor(cpus.quota ?? Infinity)));
}

/** Reads a file's text, or undefined when it cannot be read (no such file outside a cgroup). */
export type ReadText = (path: string) => string | undefined;

/**
 * The CPU quota of this process's cgroup, in cores, or undefined when none is set. Only the
 * mounted hierarchy root is read, which is the container's own cgroup under Docker and Kubernetes.
 */
export function cgroupCpuQuota(read: ReadText): number | undefined {
  // cgroup v2: "<quota> <period>", or "max <period>" without a limit.
  const v2 = read('/sys/fs/cgroup/cpu.max')?.trim().split(/\s+/);
  if (v2 !== undefined) return cores(v2[0], v2[1]);
  // cgroup v1: the quota is -1 without a limit.
  for (const dir of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct']) {
    const quota = read(`${dir}/cpu.cfs_quota_us`)?.trim();
    if (quota !== undefined) return cores(quota, read(`${dir}/cpu.cfs_period_us`)?.trim());
  }
  return undefined;
}

function cores(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return undefined;
  return q / p;
}
