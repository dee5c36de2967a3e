// The redaction paths are one constant; this proves they censor credentials wherever they sit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { REDACT_PATHS, createLogger } from '@palisade/gateway';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, stream };
}

describe('log redaction', () => {
  it('censors credentials and prompt text under every listed path', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'info', destination: stream });
    logger.info(
      {
        authorization: 'Bearer sk-live-1',
        headers: { authorization: 'Bearer sk-live-2', 'x-api-key': 'sk-live-3', cookie: 'session=sk-live-4' },
        req: { headers: { authorization: 'Bearer sk-live-5' } },
        provider: { api_key: 'sk-live-6', token: 'sk-live-7' },
        body: { messages: [{ role: 'user', content: 'sk-live-8 private words' }] },
      },
      'request',
    );
    const out = lines.join('');
    for (let i = 1; i <= 8; i++) assert.ok(!out.includes(`sk-live-${i}`), `sk-live-${i} leaked: ${out}`);
    assert.match(out, /\[Redacted\]/);
  });

  it('is a frozen list', () => {
    assert.ok(Object.isFrozen(REDACT_PATHS));
    assert.ok(REDACT_PATHS.includes('headers.authorization'));
  });
});
