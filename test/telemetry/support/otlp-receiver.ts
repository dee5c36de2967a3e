// A loopback OTLP/HTTP receiver: accepts `POST /v1/traces` in OTLP's JSON encoding, keeps the raw
// bytes of every export and the spans decoded from them, as a collector would see them.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
  status?: { code?: number };
}

interface ExportRequest {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

export interface OtlpReceiver {
  /** The address to configure as `telemetry.otlp.endpoint`. */
  url: string;
  /** Every export body as received. */
  bodies: Buffer[];
  headers: IncomingMessage['headers'][];
  spans(): OtlpSpan[];
  resourceAttributes(): OtlpAttribute[];
  close(): Promise<void>;
}

/** An attribute's value as a plain value (OTLP/JSON writes 64-bit integers as strings). */
export function attr(span: OtlpSpan, key: string): string | number | boolean | undefined {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  if (v.intValue !== undefined) return Number(v.intValue);
  return v.stringValue ?? v.boolValue ?? v.doubleValue;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies: Buffer[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      bodies.push(Buffer.concat(chunks));
      headers.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const requests = (): ExportRequest[] => bodies.map((b) => JSON.parse(b.toString('utf8')) as ExportRequest);
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    headers,
    spans: () => requests().flatMap((r) => (r.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []))),
    resourceAttributes: () => requests().flatMap((r) => (r.resourceSpans ?? []).flatMap((rs) => rs.resource?.attributes ?? [])),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
