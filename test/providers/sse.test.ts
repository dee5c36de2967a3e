// The upstream server-sent events reader against the WHATWG event-stream rules, with the body cut
// at every position, given as bytes or as already-decoded text, as providers' streams arrive.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readSse, type SseEvent } from '../../gateway/src/providers/sse.js';

async function read(parts: (string | Uint8Array)[]): Promise<SseEvent[]> {
  async function* gen(): AsyncGenerator<string | Uint8Array> {
    yield* parts;
  }
  const out: SseEvent[] = [];
  for await (const ev of readSse(gen())) out.push(ev);
  return out;
}

const STREAM = [
  ': a comment line\n',
  'event: message_start\r\ndata: {"a":1}\r\n\r\n',
  'data: line one\rdata:line two\r\r',
  'data: ünïcødé ✓ 🙂\n\n',
  'event: ping\nid: 7\nretry: 100\ndata\n\n',
  'data: [DONE]\n\n',
].join('');
const EXPECTED: SseEvent[] = [
  { event: 'message_start', data: '{"a":1}' },
  { data: 'line one\nline two' },
  { data: 'ünïcødé ✓ 🙂' },
  { event: 'ping', data: '' },
  { data: '[DONE]' },
];

describe('server-sent events reader', () => {
  it('reads LF, CR and CRLF line ends, comments, multi-line data and unknown fields', async () => {
    assert.deepEqual(await read([STREAM]), EXPECTED);
  });

  it('gives the same events wherever the bytes are cut, a CRLF or a multi-byte character included', async () => {
    const bytes = Buffer.from(STREAM, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(await read([bytes.subarray(0, cut), bytes.subarray(cut)]), EXPECTED, `cut at byte ${cut}`);
    }
  });

  it('gives the same events wherever decoded text is cut', async () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      assert.deepEqual(await read([STREAM.slice(0, cut), STREAM.slice(cut)]), EXPECTED, `cut at character ${cut}`);
    }
  });

  it('delivers a last event that lacks its closing blank line', async () => {
    assert.deepEqual(await read(['data: one\n\ndata: two']), [{ data: 'one' }, { data: 'two' }]);
  });

  it('refuses an event larger than 4 MiB rather than holding it', async () => {
    const line = `data: ${'x'.repeat(1024 * 1024)}\n`;
    await assert.rejects(read([line, line, line, line, line]), /too large/);
  });
});
