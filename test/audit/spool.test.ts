// The gateway's audit spool on disk: records come back in the order they were spooled, across
// restarts, a torn tail and the switch to a fresh file once everything is published.
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openAuditSpool } from '../../gateway/src/audit/audit-spool.js';
import { scratchDir } from './fixtures.js';

const rec = (n: number): Uint8Array => Buffer.from(`{"n":${n}}`);
const text = (rs: Uint8Array[]): string[] => rs.map((r) => Buffer.from(r).toString());

describe('audit spool', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  before(async () => {
    scratch = await scratchDir();
  });
  after(() => scratch.cleanup());

  it('returns records in order, releases them, and starts a fresh file when all are published', async () => {
    const dir = join(scratch.dir, 'order');
    const spool = await openAuditSpool(dir);
    await spool.append([rec(0), rec(1)]);
    await spool.append([rec(2)]);
    assert.equal(spool.pending(), 3);
    const first = await spool.read(2);
    assert.deepEqual(text(first.records), ['{"n":0}', '{"n":1}']);
    await spool.release(first);
    assert.equal(spool.pending(), 1);
    await spool.append([rec(3)]);
    const rest = await spool.read(10);
    assert.deepEqual(text(rest.records), ['{"n":2}', '{"n":3}']);
    await spool.release(rest);
    assert.equal(spool.pending(), 0);
    const files = (await readdir(dir)).filter((f) => f.startsWith('spool-'));
    assert.equal(files.length, 1, 'the published file was removed');
    assert.equal((await stat(join(dir, files[0]!))).size, 0, 'the new file is empty');
    await spool.append([rec(4)]);
    assert.deepEqual(text((await spool.read(10)).records), ['{"n":4}']);
    await spool.close();
  });

  it('survives a restart without release, and one after a partial release', async () => {
    const dir = join(scratch.dir, 'restart');
    const a = await openAuditSpool(dir);
    await a.append([rec(0), rec(1), rec(2), rec(3)]);
    await a.release(await a.read(1));
    // No close: the process dies here.
    const b = await openAuditSpool(dir);
    assert.equal(b.pending(), 3);
    assert.deepEqual(text((await b.read(10)).records), ['{"n":1}', '{"n":2}', '{"n":3}']);
    await b.close();
    await a.close();
  });

  it('drops a torn tail and keeps everything before it', async () => {
    const dir = join(scratch.dir, 'torn');
    const a = await openAuditSpool(dir);
    await a.append([rec(0), rec(1)]);
    await a.close();
    const file = (await readdir(dir)).find((f) => f.startsWith('spool-'))!;
    const intact = (await readFile(join(dir, file))).length;
    // A write cut short by a crash: a length prefix promising more bytes than follow.
    await appendFile(join(dir, file), Buffer.from([0, 0, 0, 50, 1, 2, 3, 4, 5, 6]));
    const b = await openAuditSpool(dir);
    assert.equal(b.pending(), 2);
    assert.equal((await readFile(join(dir, file))).length, intact, 'the torn bytes were cut off');
    await b.append([rec(2)]);
    assert.deepEqual(text((await b.read(10)).records), ['{"n":0}', '{"n":1}', '{"n":2}']);
    await b.close();
  });

  it('refuses to open a spool damaged in the middle, naming the file and byte, and cuts nothing', async () => {
    const dir = join(scratch.dir, 'damaged');
    const a = await openAuditSpool(dir);
    await a.append([rec(0), rec(1), rec(2)]);
    await a.close();
    const file = (await readdir(dir)).find((f) => f.startsWith('spool-'))!;
    const bytes = await readFile(join(dir, file));
    // One flipped byte inside the second record: acknowledged records follow it.
    const damaged = Buffer.from(bytes);
    const at = Math.floor(bytes.length / 2);
    damaged[at] = (damaged[at] ?? 0) ^ 0xff;
    await writeFile(join(dir, file), damaged);
    await assert.rejects(openAuditSpool(dir), (err: Error) => err.message.includes(file) && /damaged at byte \d+/.test(err.message));
    assert.deepEqual(await readFile(join(dir, file)), damaged, 'the damaged file is left as it was');
  });

  it('refuses work after close', async () => {
    const spool = await openAuditSpool(join(scratch.dir, 'closed'));
    await spool.close();
    await assert.rejects(spool.append([rec(0)]), { code: 'GW_ERR_SHUTTING_DOWN' });
  });
});
