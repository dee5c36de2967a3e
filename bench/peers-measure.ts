// The three measurements the peers benchmark takes of every system, the same way for each: one
// caller at a time, time to first streamed content, and many connections at once.
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

/** Where and how to call one system: what differs between gateways is only headers and port. */
export interface Target {
  port: number;
  headers: Record<string, string>;
}

const PATH = '/v1/chat/completions';
const messages = [
  { role: 'system', content: 'You are a helpful assistant for a regulated bank.' },
  { role: 'user', content: 'Summarise the attached quarterly report in three bullet points, with figures. '.repeat(6) },
];
const whole = JSON.stringify({ model: 'bench', messages });
const streamed = JSON.stringify({ model: 'bench', messages, stream: true });

function post(agent: Agent, t: Target, body: string, onResponse: (status: number, chunk: string | undefined) => void): Promise<void> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port: t.port, path: PATH, method: 'POST', agent, headers: { 'content-type': 'application/json', ...t.headers } }, (r) => {
      r.setEncoding('utf8');
      r.on('data', (d: string) => onResponse(r.statusCode ?? 0, d));
      r.on('end', () => {
        onResponse(r.statusCode ?? 0, undefined);
        if (r.statusCode === 200) res();
        else rej(new Error(`status ${r.statusCode}`));
      });
    });
    req.on('error', rej);
    req.end(body);
  });
}

/** `n` non-streamed requests one after another on one keep-alive connection; each one's ms, sorted. */
export async function oneAtATime(t: Target, n: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      await post(agent, t, whole, () => undefined);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    agent.destroy();
  }
  return times.sort((a, b) => a - b);
}

// Gateways re-serialise chunks, some with a space after the colon; the first word is never empty.
const CONTENT = /"content":\s*"[^"]/;

/** `n` streams one after another; for each, ms from sending the request to the first content; sorted. */
export async function firstContent(t: Target, n: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      let first: number | undefined;
      let seen = '';
      await post(agent, t, streamed, (_status, chunk) => {
        if (first !== undefined || chunk === undefined) return;
        seen += chunk;
        if (CONTENT.test(seen)) first = Number(process.hrtime.bigint() - t0) / 1e6;
      });
      if (first === undefined) throw new Error('a stream ended without content');
      times.push(first);
    }
  } finally {
    agent.destroy();
  }
  return times.sort((a, b) => a - b);
}

export interface Throughput {
  /** 2xx answers per second over the run. */
  okPerS: number;
  /** Answers other than 2xx plus connection errors (timeouts included). */
  failed: number;
  /** Every answer, 2xx or not: what the system's CPU time is divided by. */
  answered: number;
  /** What the failures were, e.g. `503 x 12, errors x 3`; empty when none failed. */
  failures: string;
  /** Wall time of the run, ms. */
  wallMs: number;
}

/** autocannon with `connections` keep-alive connections for `seconds`, as bench/gateway.ts's load does. */
export async function manyAtOnce(t: Target, connections: number, seconds: number): Promise<Throughput> {
  const t0 = process.hrtime.bigint();
  const r = await autocannon({
    url: `http://127.0.0.1:${t.port}${PATH}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...t.headers },
    body: whole,
    connections,
    duration: seconds,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const failures = [
    ...Object.entries(r.statusCodeStats ?? {})
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => `${code} x ${count ?? 0}`),
    ...(r.errors > 0 ? [`connection errors x ${r.errors} (timeouts ${r.timeouts})`] : []),
  ].join(', ');
  return { okPerS: r['2xx'] / r.duration, failed: r.non2xx + r.errors, answered: r['2xx'] + r.non2xx, failures, wallMs };
}

export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
