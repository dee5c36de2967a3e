// Requests as a careless or hostile client would send them (repeated headers, any body bytes,
// any path), and the ledger and log lines they leave behind.
import { request } from 'node:http';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { readGatewayRecords } from '../../support/gateway.js';
import type { TestGateway } from '../../support/gateway.js';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

/** One request; `headers` is a list so that a header may repeat. */
export function send(gw: TestGateway, method: string, path: string, headers: [string, string][], body?: string | Uint8Array): Promise<RawAnswer> {
  const url = new URL(gw.url);
  // A header list is sent as given: Node adds neither Host nor Content-Length to it.
  const all: [string, string][] = [['host', url.host], ...headers];
  if (body !== undefined) all.push(['content-length', String(Buffer.byteLength(body))]);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers: all.flat() }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // Not JSON: the test asserts on the text.
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The error object of an answer in either API shape. */
export function errorOf(answer: RawAnswer): Record<string, unknown> {
  return (answer.json['error'] ?? {}) as Record<string, unknown>;
}

/** The decision record of a decision, once the ledger's checkpoint covers it (at most 5 s). */
export async function recordOf(gw: TestGateway, decisionId: unknown): Promise<AuditRecordV1 | undefined> {
  if (typeof decisionId !== 'string') return undefined;
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = readGatewayRecords(gw).find((r) => r.decision_id === decisionId && r.phase === 'decision');
    if (found || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface LogLine {
  level?: string;
  decision_id?: string;
  err?: { stack?: string };
  msg?: string;
}

/** The gateway's log lines about one decision. */
export function logsOf(gw: TestGateway, decisionId: unknown): LogLine[] {
  return gw.logs.map((l) => JSON.parse(l) as LogLine).filter((l) => l.decision_id === decisionId);
}

/** Log lines above info, or carrying a stack trace, since the gateway started. */
export function loudLines(gw: TestGateway, from = 0): string[] {
  return gw.logs.slice(from).filter((l) => {
    const line = JSON.parse(l) as LogLine;
    return (line.level !== 'info' && line.level !== 'debug' && line.level !== 'trace') || line.err?.stack !== undefined || l.includes('"stack"');
  });
}
