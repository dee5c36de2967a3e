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

  it('censors every credential header wherever a header set sits, and a configured user token header', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'info', destination: stream, secretHeaders: ['X-Acme-Person'] });
    const names = ['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'cookie', 'set-cookie', 'x-palisade-user-token', 'x-acme-person'];
    const headers = (tag: string): Record<string, string> => Object.fromEntries(names.map((n) => [n, `sk-${tag}-${n}`]));
    logger.info(
      {
        ...Object.fromEntries(names.slice(0, -1).map((n) => [n, `sk-top-${n}`])),
        headers: headers('headers'),
        req: { headers: headers('req') },
        res: { headers: headers('res') },
        request: { headers: headers('request') },
        response: { headers: headers('response') },
        upstream: { headers: headers('upstream') },
        oidc: { client_secret: 'sk-client-secret', refresh_token: 'sk-refresh' },
      },
      'request',
    );
    const out = lines.join('');
    assert.ok(!/sk-/.test(out), `a credential leaked: ${out}`);
    for (const n of names.slice(0, -1)) assert.ok(REDACT_PATHS.some((p) => p === `headers["${n}"]` || p === `headers.${n}`), `${n} is in REDACT_PATHS`);
  });

  it('is a frozen list', () => {
    assert.ok(Object.isFrozen(REDACT_PATHS));
    assert.ok(REDACT_PATHS.includes('headers.authorization'));
  });
});
