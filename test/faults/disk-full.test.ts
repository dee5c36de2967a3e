// The disk under the embedded ledger fills up: callers get 503 and nothing reaches the provider
// while a record cannot be written; once space is freed the same gateway serves again, and the
// ledger holds each acknowledged request once and verifies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGatewayRecords, startTestGateway, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { call, newTally } from '../audit/helpers/pipeline.js';
import { allowedDecisions, assertNothingUnaudited, assertVerifies, duplicates, reportFault, until } from './support.js';
import { mountSmallDisk, type SmallDisk } from './tmpfs.js';

describe('disk full under the embedded ledger', () => {
  const work = mkdtempSync(join(tmpdir(), 'palisade-diskfull-'));
  const mounted = mountSmallDisk(join(work, 'disk'), 2 * 1024 * 1024);
  const disk: SmallDisk | undefined = typeof mounted === 'string' ? undefined : mounted;
  let upstream: FakeOpenAI;
  let gw: TestGateway | undefined;

  before(async () => {
    upstream = await startFakeOpenAI();
  });
  after(async () => {
    await gw?.gateway.close().catch(() => undefined);
    await upstream?.close();
    disk?.unmount();
    rmSync(work, { recursive: true, force: true });
  });

  const tally = newTally();
  let ledgerDir = '';
  let readyWhileFull = 0;
  let recovered = false;
  let ledgerRecords: AuditRecordV1[] = [];
  const skip = typeof mounted === 'string' ? mounted : false;

  it('refuses with 503 and forwards nothing while the disk is full', { skip }, async () => {
    ledgerDir = join(disk!.dir, 'ledger');
    gw = await startTestGateway((c) => {
      ((c['audit'] as Record<string, unknown>)['ledger'] as Record<string, unknown>)['dir'] = ledgerDir;
      (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
      (c['models'] as unknown[]).push({ name: 'gpt-test', provider: 'upstream' });
    });
    for (let n = 0; n < 5; n++) assert.equal(await call(gw.url, n * 7, tally, 'gpt-test'), 200);

    disk!.fill();
    // Records may still fit into journal pages already allocated; a request whose decision fits
    // and whose outcome does not is forwarded, and its caller gets 503 and no answer. After the
    // first refusal nothing may be forwarded.
    const filling: number[] = [];
    for (let n = 1; n <= 8 && !filling.includes(503); n++) filling.push(await call(gw.url, 7 * n + 1, tally, 'gpt-test'));
    assert.ok(filling.includes(503), `a caller was refused once the disk was full: ${filling.join(',')}`);
    const forwarded = upstream.received.length;
    const full: number[] = [];
    for (let n = 10; n < 15; n++) full.push(await call(gw.url, 7 * n + 1, tally, 'gpt-test'));
    assert.deepEqual(full, [503, 503, 503, 503, 503], 'no record can be written: every caller is refused');
    assert.equal(upstream.received.length, forwarded, 'nothing reached the provider once its decision could not be recorded');
    readyWhileFull = (await fetch(`${gw.url}/readyz`)).status;
  });

  it(
    'serves again without a restart once space is freed',
    {
      skip,
    },
    async () => {
      assert.ok(gw, 'the gateway of the previous test runs');
      disk!.free();
      let n = 100;
      await until('the gateway to serve again', async () => (await call(gw!.url, 7 * n++, tally, 'gpt-test')) === 200, 5_000, () =>
        gw!.logs.filter((l) => /"code":"GW_ERR_AUDIT/.test(l)).slice(-1).join('').slice(0, 600),
      );
      for (let i = 0; i < 3; i++) assert.equal(await call(gw!.url, 7 * n++, tally, 'gpt-test'), 200);
      recovered = true;
    },
  );

  it('the ledger holds each answered request once, no outcome for a refusal, and verifies', { skip }, async (t) => {
    assert.ok(gw, 'the gateway of the first test runs');
    disk!.free();
    await gw.gateway.close();
    const keys = join(gw.dir, 'keys');
    gw = undefined;
    const publishedBeforeRestart = readGatewayRecords({ ledgerDir }).length;
    // A gateway started again on the same ledger and keys recovers what its journal holds.
    const again = await startTestGateway((c) => {
      const audit = c['audit'] as Record<string, unknown>;
      (audit['ledger'] as Record<string, unknown>)['dir'] = ledgerDir;
      (audit['ledger'] as Record<string, unknown>)['signing_key_file'] = join(keys, 'ledger.key');
      audit['commitment_key_file'] = join(keys, 'commitment.key');
    });
    await again.close();
    const records = readGatewayRecords({ ledgerDir });
    t.diagnostic(`the checkpoint covered ${publishedBeforeRestart} records before the restart and ${records.length} after it`);
    assert.deepEqual(duplicates(records), []);
    for (const id of tally.answered) {
      assert.equal(records.filter((r) => r.decision_id === id).length, 2, `answered request ${id}: its decision and outcome, once each`);
    }
    const refusedOnRecord = records.filter((r) => tally.refusedIds.includes(r.decision_id));
    assert.ok(refusedOnRecord.every((r) => r.phase === 'decision'), 'a refused request has no outcome record');
    ledgerRecords = records;
    const verify = await assertVerifies(ledgerDir);
    reportFault(t, {
      fault: 'disk full under the embedded ledger',
      callerSees: `503 GW_ERR_AUDIT_UNAVAILABLE while full (readyz ${readyWhileFull}), nothing forwarded; ${recovered ? '200 again once space is freed, no restart' : 'still 503 after space is freed, until a restart (known gap)'}`,
      ledgerHolds: `${records.length} records: every answered request's decision and outcome once, no outcome for a refusal; ${allowedDecisions(records).length} allowed decisions for ${upstream.received.length} forwarded requests`,
      verify,
      test: 'test/faults/disk-full.test.ts',
    });
  });

  it(
    'forwarded nothing that the ledger lacks a decision for',
    {
      skip,
    },
    () => {
      assert.ok(ledgerRecords.length > 0, 'the previous test read the ledger');
      assertNothingUnaudited(upstream.received.length, ledgerRecords);
    },
  );
});
