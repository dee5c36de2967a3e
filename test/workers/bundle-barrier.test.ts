// The primary's agreement on a new policy bundle: every running worker must have it ready before
// any switches; one that never gets it makes all refuse it for now; one that exits stops counting.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBundleBarrier } from '../../gateway/src/workers/bundle-barrier.js';

const settled = (p: Promise<void>): Promise<'resolved' | 'rejected' | 'pending'> =>
  Promise.race([p.then(() => 'resolved' as const, () => 'rejected' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), 20))]);

describe('bundle barrier', () => {
  // The barrier's timers do not hold a process open (a gateway must be able to exit); this does.
  let alive: NodeJS.Timeout;
  before(() => (alive = setInterval(() => {}, 1000)));
  after(() => clearInterval(alive));

  it('lets no worker switch until every running worker waits on the same bundle', async () => {
    const barrier = createBundleBarrier({ running: () => [1, 2, 3], timeoutMs: 5000 });
    const one = barrier.agree(1, 'sha256:b');
    const two = barrier.agree(2, 'sha256:b');
    assert.equal(await settled(one), 'pending');
    const three = barrier.agree(3, 'sha256:b');
    assert.deepEqual(await Promise.all([settled(one), settled(two), settled(three)]), ['resolved', 'resolved', 'resolved']);
  });

  it('refuses the bundle to all that wait when one worker does not get it in time', async () => {
    const barrier = createBundleBarrier({ running: () => [1, 2], timeoutMs: 50 });
    const one = barrier.agree(1, 'sha256:b');
    await assert.rejects(one, /not every worker had bundle sha256:b ready within 50 ms/);
  });

  it('does not wait on workers that are on another bundle', async () => {
    const barrier = createBundleBarrier({ running: () => [1, 2], timeoutMs: 5000 });
    const one = barrier.agree(1, 'sha256:b');
    const two = barrier.agree(2, 'sha256:c');
    assert.deepEqual(await Promise.all([settled(one), settled(two)]), ['pending', 'pending']);
    // Worker 1 moves on to the bundle worker 2 has: both switch to it; the old wait is dropped.
    const again = barrier.agree(1, 'sha256:c');
    assert.deepEqual(await Promise.all([settled(one), settled(two), settled(again)]), ['rejected', 'resolved', 'resolved']);
  });

  it('completes the wait when the missing worker exits', async () => {
    let running = [1, 2];
    const barrier = createBundleBarrier({ running: () => running, timeoutMs: 5000 });
    const one = barrier.agree(1, 'sha256:b');
    assert.equal(await settled(one), 'pending');
    running = [1];
    barrier.changed();
    assert.equal(await settled(one), 'resolved');
  });
});
