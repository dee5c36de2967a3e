// The ledger over HTTP, as a tlog-tiles client and an auditor use it: static tiles with the right caching, proofs and receipts by decision id.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  MerkleTree,
  TileFrontier,
  canonicalBytes,
  decodeEntryBundle,
  decodeTile,
  fromBase64Strict,
  generateNoteKey,
  leafHash,
  openCheckpoint,
  parseSigner,
  parseVerifier,
  perfectSubtreeHash,
  toBase64,
  verifyConsistency,
  verifyInclusion,
  verifyTlogProof,
  type AuditRecordV1,
} from '@palisade/audit-core';
import { DecisionIndex, liveLedgerLog, openLogReader, openTileLog, pruneLog, type TileLog } from '@palisade/ledger';
import { startLedgerServer, type LedgerServer } from '@palisade/audit-consumer';
import { numberedRecord, scratchDir } from './fixtures.js';

const signer = parseSigner(generateNoteKey('audit.test/http', Buffer.alloc(32, 7)).skey);
const verifier = parseVerifier(signer.vkey);

function record(n: number, timestamp = '2026-01-02T03:04:05.678Z'): AuditRecordV1 {
  return numberedRecord(n, { decision_id: `3f2504e0-4f89-41d3-9a0c-${n.toString(16).padStart(12, '0')}`, timestamp });
}

function b64(list: unknown): Uint8Array[] {
  return (list as string[]).map((s) => fromBase64Strict(s)!);
}

describe('ledger HTTP server', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let server: LedgerServer;
  let live: TileLog;
  const entries: Uint8Array[] = [];

  before(async () => {
    scratch = await scratchDir();
    // Log 0 is a closed folder served read-only; log 1 is live, with appends not yet checkpointed.
    const dir0 = join(scratch.dir, '0');
    const log0 = await openTileLog({ dir: dir0, origin: 'audit.test/http/0', signer });
    for (let n = 0; n < 700; n++) entries.push(canonicalBytes(record(n, n < 512 ? '2025-01-01T00:00:00.000Z' : '2026-01-02T03:04:05.678Z')));
    await log0.append(entries.slice(0, 600));
    await log0.append(entries.slice(600));
    await log0.close();
    live = await openTileLog({ dir: join(scratch.dir, '1'), origin: 'audit.test/http/1', signer, checkpointEvery: 1000 });
    const index = new DecisionIndex(100);
    const first = await live.append([canonicalBytes(record(5000))]);
    index.add(first.firstIndex, canonicalBytes(record(5000)));
    await live.publishCheckpoint();
    const second = await live.append([canonicalBytes(record(5001))]);
    index.add(second.firstIndex, canonicalBytes(record(5001)));
    const reader = await openLogReader(dir0, { name: '0' });
    server = await startLedgerServer({ host: '127.0.0.1', port: 0, logs: () => [reader, liveLedgerLog('1', live, index)] });
  });
  after(async () => {
    await server?.close();
    await live?.close();
    await scratch.cleanup();
  });

  const get = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${server.url}${path}`, { headers });

  it('serves the checkpoint, tiles and bundles a tlog-tiles client needs, with caching headers', async () => {
    const cpRes = await get('/logs/0/checkpoint');
    assert.equal(cpRes.status, 200);
    assert.equal(cpRes.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(cpRes.headers.get('cache-control'), 'no-cache');
    const cp = openCheckpoint(await cpRes.text(), [verifier]);
    assert.equal(cp.size, 700);

    const full = await get('/logs/0/tile/0/001');
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('content-type'), 'application/octet-stream');
    assert.equal(full.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const tile1 = decodeTile(new Uint8Array(await full.arrayBuffer()));
    assert.equal(tile1.length, 256);
    assert.equal(toBase64(tile1[3]!), toBase64(leafHash(entries[259]!)));

    // An independent client: root from the partial tiles, full tiles checked against the level above.
    const t0 = decodeTile(new Uint8Array(await (await get('/logs/0/tile/0/000')).arrayBuffer()));
    const p0 = decodeTile(new Uint8Array(await (await get('/logs/0/tile/0/002.p/188')).arrayBuffer()));
    const p1 = decodeTile(new Uint8Array(await (await get('/logs/0/tile/1/000.p/2')).arrayBuffer()));
    assert.equal(toBase64(p1[0]!), toBase64(perfectSubtreeHash(t0)));
    assert.equal(toBase64(p1[1]!), toBase64(perfectSubtreeHash(tile1)));
    assert.equal(toBase64(TileFrontier.fromPartials(700, [p0, p1]).root()), toBase64(cp.rootHash));

    // A partial width an older checkpoint needed is still served, from the full tile.
    const older = await get('/logs/0/tile/0/002.p/88');
    assert.equal(older.status, 200);
    assert.equal((await older.arrayBuffer()).byteLength, 88 * 32);

    const bundle = await get('/logs/0/tile/entries/002.p/188', { 'accept-encoding': 'gzip' });
    assert.equal(bundle.headers.get('content-encoding'), 'gzip');
    const raw = Buffer.from(await bundle.arrayBuffer());
    // fetch already decodes gzip; decode by hand only if it did not.
    const decoded = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
    assert.deepEqual(decodeEntryBundle(decoded).map((e) => Buffer.from(e).toString()), entries.slice(512).map((e) => Buffer.from(e).toString()));
    assert.equal((await get('/logs/0/log.vkey').then((r) => r.text())).trim(), signer.vkey);

    for (const path of ['/logs/0/tile/0/003', '/logs/0/tile/0/002.p/189', '/logs/0/tile/entries/003', '/logs/0/tile/0/2', '/logs/0/tile/x/000', '/logs/9/checkpoint', '/logs/0/../../etc/passwd']) {
      assert.equal((await get(path)).status, 404, path);
    }
    assert.equal((await fetch(`${server.url}/logs/0/checkpoint`, { method: 'POST' })).status, 405);
  });

  it('gives inclusion and consistency proofs by index', async () => {
    const cp = openCheckpoint(await (await get('/logs/0/checkpoint')).text(), [verifier]);
    const inc = (await (await get('/api/v1/logs/0/proof/inclusion?index=333')).json()) as Record<string, unknown>;
    assert.equal(inc['size'], 700);
    assert.equal(inc['leaf_hash'], toBase64(leafHash(entries[333]!)));
    assert.equal(inc['checkpoint'], await (await get('/logs/0/checkpoint')).text());
    assert.ok(verifyInclusion(333, 700, leafHash(entries[333]!), b64(inc['proof']), cp.rootHash));

    const tree = new MerkleTree();
    entries.forEach((e) => tree.appendEntry(e));
    const atOlder = (await (await get('/api/v1/logs/0/proof/inclusion?index=5&size=600')).json()) as Record<string, unknown>;
    assert.equal(atOlder['checkpoint'], undefined, 'no checkpoint is claimed for a size that is not the latest');
    assert.ok(verifyInclusion(5, 600, leafHash(entries[5]!), b64(atOlder['proof']), tree.root(600)));
    const cons = (await (await get('/api/v1/logs/0/proof/consistency?from=600')).json()) as Record<string, unknown>;
    assert.ok(verifyConsistency(600, 700, tree.root(600), cp.rootHash, b64(cons['proof'])));

    const status = async (path: string): Promise<number> => (await get(path)).status;
    assert.equal(await status('/api/v1/logs/0/proof/inclusion?index=700'), 400);
    assert.equal(await status('/api/v1/logs/0/proof/inclusion?index=-1'), 400);
    assert.equal(await status('/api/v1/logs/0/proof/inclusion?index=1&size=701'), 400);
    assert.equal(await status('/api/v1/logs/0/proof/consistency?from=0'), 400);
    assert.equal(await status('/api/v1/logs/0/proof/inclusion'), 400);
  });

  it('finds a decision and gives its receipt; says when it is not yet checkpointed', async () => {
    const id = record(345).decision_id;
    const found = (await (await get(`/api/v1/decisions/${id}`)).json()) as { records: Record<string, unknown>[] };
    assert.equal(found.records.length, 1);
    assert.deepEqual([found.records[0]!['log'], found.records[0]!['index'], found.records[0]!['phase'], found.records[0]!['published']], ['0', 345, 'decision', true]);

    const res = await get(`/api/v1/receipts/${id}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /\.tlog-proof"$/);
    const ok = verifyTlogProof(await res.text(), [verifier], { entry: entries[345]! });
    assert.equal(ok.index, 345);

    const liveId = record(5000).decision_id;
    assert.equal(verifyTlogProof(await (await get(`/api/v1/receipts/${liveId}`)).text(), [verifier]).checkpoint.origin, 'audit.test/http/1');
    const pending = await get(`/api/v1/receipts/${record(5001).decision_id}`);
    assert.equal(pending.status, 425);
    assert.equal(pending.headers.get('retry-after'), '1');
    assert.equal(((await pending.json()) as { error: { code: string } }).error.code, 'AUD_ERR_NOT_PUBLISHED');
    await live.publishCheckpoint();
    assert.equal((await get(`/api/v1/receipts/${record(5001).decision_id}`)).status, 200);

    assert.equal((await get('/api/v1/receipts/3f2504e0-4f89-41d3-9a0c-ffffffffffff')).status, 404);
    assert.equal((await get('/api/v1/receipts/not-a-uuid')).status, 400);
    assert.equal((await get(`/api/v1/receipts/${id}?phase=outcome`)).status, 404);
  });

  it('refuses pruned bundles with 410 while tiles and proofs stay', async () => {
    const result = await pruneLog(join(scratch.dir, '0'), Date.parse('2025-06-01T00:00:00Z'));
    assert.deepEqual([result.prunedBelow, result.removed], [512, 2]);
    // The server's reader was opened before pruning; a fresh one knows the marker.
    const reader = await openLogReader(join(scratch.dir, '0'), { name: '0' });
    const server2 = await startLedgerServer({ host: '127.0.0.1', port: 0, logs: () => [reader] });
    try {
      assert.equal((await fetch(`${server2.url}/logs/0/tile/entries/000`)).status, 410);
      assert.equal((await fetch(`${server2.url}/logs/0/tile/0/000`)).status, 200);
      const inc = (await (await fetch(`${server2.url}/api/v1/logs/0/proof/inclusion?index=7`)).json()) as Record<string, unknown>;
      assert.equal(inc['leaf_hash'], undefined, 'the entry is gone');
      const cp = openCheckpoint(reader.published().note, [verifier]);
      assert.ok(verifyInclusion(7, 700, leafHash(entries[7]!), b64(inc['proof']), cp.rootHash), 'whoever kept the record can still prove it');
      const cons = (await (await fetch(`${server2.url}/api/v1/logs/0/proof/consistency?from=600`)).json()) as Record<string, unknown>;
      assert.ok(Array.isArray(cons['proof']));
    } finally {
      await server2.close();
    }
  });

  it('answers health, readiness and a log list', async () => {
    assert.equal((await get('/healthz')).status, 200);
    assert.equal((await get('/readyz')).status, 200);
    const logs = (await (await get('/api/v1/logs')).json()) as { logs: { name: string; size: number }[] };
    assert.deepEqual(logs.logs.map((l) => [l.name, l.size]), [['0', 700], ['1', 2]]);
  });
});
