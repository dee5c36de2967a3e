// How many workers `server.workers` starts: a number as given; `auto` one per core the process may
// use, a container's CPU quota included (cgroup v2 and v1 files as the kernel writes them), and one
// process with the embedded ledger, whose console keeps its state in one process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cgroupCpuQuota, workerCount } from '../../gateway/src/workers/worker-count.js';
import { parseConfig } from '@palisade/gateway';
import { baseConfig } from '../support/gateway.js';

const files = (entries: Record<string, string>) => (path: string) => entries[path];

describe('server.workers', () => {
  it('defaults to auto', () => {
    const loaded = parseConfig({ path: 'gateway.json', text: JSON.stringify(baseConfig('/tmp/palisade-worker-count')), env: {} });
    assert.equal(loaded.config.server.workers, 'auto');
  });

  it('auto with the Kafka sink is one worker per core, capped by the CPU quota', () => {
    assert.equal(workerCount('auto', 'kafka', { cores: 16 }), 16);
    assert.equal(workerCount('auto', 'kafka', { cores: 16, quota: 4 }), 4);
    assert.equal(workerCount('auto', 'kafka', { cores: 16, quota: 2.5 }), 2, 'a part of a core runs no worker of its own');
    assert.equal(workerCount('auto', 'kafka', { cores: 16, quota: 0.5 }), 1, 'always at least one');
    assert.equal(workerCount('auto', 'kafka', { cores: 2, quota: 8 }), 2, 'never more than the cores');
  });

  it('auto with the embedded ledger is one process; a number is taken as given', () => {
    assert.equal(workerCount('auto', 'ledger', { cores: 16 }), 1);
    assert.equal(workerCount(3, 'ledger', { cores: 16 }), 3);
    assert.equal(workerCount(3, 'kafka', { cores: 1, quota: 1 }), 3);
  });
});

describe('cgroupCpuQuota', () => {
  it('reads cgroup v2 cpu.max', () => {
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '200000 100000\n' })), 2);
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' })), 1.5);
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' })), undefined, 'no limit');
  });

  it('reads cgroup v1 cfs quota and period, under either mount name', () => {
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '300000\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' })), 3);
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '50000\n', '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n' })), 0.5);
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' })), undefined, 'no limit');
  });

  it('is undefined outside a cgroup, or when the files make no sense', () => {
    assert.equal(cgroupCpuQuota(files({})), undefined);
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'garbage' })), undefined);
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '100000 0' })), undefined);
  });
});
