// Time to first streamed content: what the gateway adds between a provider's first chunk and the
// caller's first content, on a paced stream (a chunk every 10 ms, word-sized tokens as providers
// send them), for each way of releasing a streamed answer: `after_scan` releasing text as soon as
// no value may be open, the fixed hold-back it replaced (still used when custom classes are
// configured, so a custom class stands in for it here), and `immediate`.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig, startGateway, type RunningGateway } from '@palisade/gateway';

const REPO = resolve(import.meta.dirname, '..');
const KEY = 'sk-bench-stream-0123456789';
const RUNS = Number(process.env['BENCH_STREAM_RUNS'] ?? 30);
const CHUNK_MS = 10;
const ANSWER =
  'The quarterly figures look steady: revenue grew in every region, costs stayed within plan, and the team expects the same next quarter. Nothing in the report needs attention before the board meets.';
const TOKENS = ANSWER.match(/\s?\S+/g) ?? [];

/** A loopback provider streaming `TOKENS` a chunk every 10 ms; notes when each stream's first chunk left. */
async function startPacedUpstream(): Promise<{ port: number; firstSent: number[]; close: () => Promise<void> }> {
  const firstSent: number[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'bench-model' };
      let i = 0;
      const send = (): void => {
        if (i === TOKENS.length) {
          res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
          res.end('data: [DONE]\n\n');
          return;
        }
        res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: TOKENS[i] }, finish_reason: null }] })}\n\n`);
        if (i === 0) firstSent.push(performance.now());
        i++;
        setTimeout(send, CHUNK_MS);
      };
      send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, firstSent, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function startBenchGateway(upstreamPort: number, answers: Record<string, unknown>, custom: boolean): Promise<{ gw: RunningGateway; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-stream-'));
  const config = {
    server: { host: '127.0.0.1', port: 0, gateway_id: 'bench-stream' },
    log: { level: 'warn' },
    identity: { api_keys: [{ id: 'bench', key_sha256: createHash('sha256').update(KEY).digest('hex'), sub: 'bench@example.com', tenant: 'bench', roles: ['analyst'] }], oidc: [] },
    policy: { bundle: join(REPO, 'bundles/palisade.tar.gz'), verification: { public_key_file: join(REPO, 'config/dev-keys/bundle-signing.pub.pem'), key_id: 'palisade-dev', scope: 'development' } },
    providers: [{ name: 'openai', type: 'openai', base_url: `http://127.0.0.1:${upstreamPort}/v1`, timeout_ms: 10_000 }],
    models: [{ name: 'native', provider: 'openai', upstream_model: 'bench-model' }],
    answers,
    ...(custom ? { classify: { custom_classes: [{ name: 'EMPLOYEE_ID', labels: ['PII'], patterns: [{ regex: 'EMP-[0-9]{6}', score: 0.9 }] }] } } : {}),
    audit: {
      sink: 'ledger',
      ledger: { dir: join(dir, 'ledger'), origin: 'bench.palisade/stream', signing_key_file: join(dir, 'ledger.key'), create_signing_key: true },
      commitment_key_file: join(dir, 'commitment.key'),
      create_commitment_key: true,
    },
  };
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const gw = await startGateway(parseConfig({ path: 'bench-stream.json', text: JSON.stringify(config), env: {} }), { logDestination: quiet });
  return { gw, dir };
}

/** Streams one answer; resolves with the time the first content reached the caller. */
function firstContent(port: number, path: string, headers: Record<string, string>): Promise<number> {
  const body = JSON.stringify({ model: 'native', stream: true, messages: [{ role: 'user', content: 'Summarise the quarterly report.' }] });
  return new Promise((resolveFirst, reject) => {
    let first: number | undefined;
    let buffered = '';
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        if (first !== undefined) return;
        buffered += d;
        if (/"content":"[^"]/.test(buffered)) first = performance.now();
      });
      res.on('end', () => (first === undefined ? reject(new Error(`no content (status ${res.statusCode})`)) : resolveFirst(first)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

export async function benchStreamRelease(): Promise<string[]> {
  const upstream = await startPacedUpstream();
  const lines = [`Added time to first streamed content, ms (a ${TOKENS.length}-chunk answer, a chunk every ${CHUNK_MS} ms, ${RUNS} streams each): caller's first content minus the provider's first chunk.`];
  lines.push('| release | p50 | p90 | max |', '|---|---|---|---|');
  const modes: { label: string; answers: Record<string, unknown>; custom: boolean }[] = [
    { label: 'after_scan, released once no value may be open', answers: { stream_release: 'after_scan' }, custom: false },
    { label: 'after_scan, fixed 256-character hold-back (custom classes configured)', answers: { stream_release: 'after_scan' }, custom: true },
    { label: 'immediate', answers: { stream_release: 'immediate' }, custom: false },
  ];
  try {
    for (const mode of modes) {
      const { gw, dir } = await startBenchGateway(upstream.port, mode.answers, mode.custom);
      try {
        const port = Number(new URL(gw.url).port);
        const added: number[] = [];
        for (let i = 0; i < RUNS + 3; i++) {
          const before = upstream.firstSent.length;
          const got = await firstContent(port, '/v1/chat/completions', { authorization: `Bearer ${KEY}` });
          const sent = upstream.firstSent[before];
          // The first few streams warm the process up.
          if (i >= 3 && sent !== undefined) added.push(got - sent);
        }
        added.sort((a, b) => a - b);
        lines.push(`| ${mode.label} | ${pct(added, 50).toFixed(1)} | ${pct(added, 90).toFixed(1)} | ${(added.at(-1) ?? NaN).toFixed(1)} |`);
      } finally {
        await gw.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await upstream.close();
  }
  return lines;
}
