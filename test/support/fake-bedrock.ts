// A loopback server speaking AWS Bedrock's Converse and ConverseStream APIs as documented: it
// checks each request's SigV4 signature (recomputed here, independently of the gateway's signer)
// and streams in AWS's binary event-stream framing (prelude, typed headers, payload, CRC32s).
import { createHash, createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { json, lastUserText, startFakeUpstream, type Answer, type FakeUpstream, type ReceivedRequest } from './fake-upstream.js';

export const BEDROCK_ACCESS_KEY_ID = 'AKIAFAKEEXAMPLE';
export const BEDROCK_SECRET_KEY = 'fake/secret+access/key/EXAMPLE';

export interface FakeBedrock extends FakeUpstream {
  baseUrl: string;
  region: string;
}

function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Recomputes the request's signature the way AWS documents it and compares. */
function signatureValid(req: ReceivedRequest, region: string): boolean {
  const auth = String(req.headers.authorization ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m || m[1] !== BEDROCK_ACCESS_KEY_ID || m[3] !== region || m[4] !== 'bedrock') return false;
  const date = String(req.headers['x-amz-date'] ?? '');
  const signed = (m[5] ?? '').split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date')) return false;
  const [path, query = ''] = req.path.split('?');
  const canonical = [
    req.method,
    (path ?? '/').split('/').map(encodeRfc3986).join('/'),
    query,
    signed.map((h) => `${h}:${String(req.headers[h] ?? '').trim()}\n`).join(''),
    m[5],
    createHash('sha256').update(req.rawBody).digest('hex'),
  ].join('\n');
  const scope = `${m[2]}/${region}/bedrock/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const h = (k: string | Buffer, d: string): Buffer => createHmac('sha256', k).update(d).digest();
  const key = h(h(h(h(`AWS4${BEDROCK_SECRET_KEY}`, m[2] ?? ''), region), 'bedrock'), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === m[6];
}

/** One event-stream message with string headers. */
export function eventStreamMessage(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const hs = Object.entries(headers).map(([k, v]) => {
    const name = Buffer.from(k);
    const value = Buffer.from(v);
    const b = Buffer.alloc(1 + name.length + 1 + 2 + value.length);
    b.writeUInt8(name.length, 0);
    name.copy(b, 1);
    b.writeUInt8(7, 1 + name.length);
    b.writeUInt16BE(value.length, 2 + name.length);
    value.copy(b, 4 + name.length);
    return b;
  });
  const headerBytes = Buffer.concat(hs);
  const total = 12 + headerBytes.length + payload.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, 12);
  Buffer.from(payload).copy(out, 12 + headerBytes.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

function event(type: string, payload: unknown): Buffer {
  return eventStreamMessage({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, Buffer.from(JSON.stringify(payload)));
}

type Content = { text?: string; toolUse?: { toolUseId: string; name: string; input: unknown }; toolResult?: { content: { text?: string }[] } };

function converse(req: ReceivedRequest, model: string, stream: boolean): Answer {
  const body = req.body as { messages?: { role: string; content: Content[] }[]; system?: { text: string }[]; toolConfig?: { tools: { toolSpec: { name: string } }[] }; inferenceConfig?: unknown };
  if (!Array.isArray(body.messages) || body.messages.length === 0) return json(400, { message: 'ValidationException: messages is required' }, { 'x-amzn-errortype': 'ValidationException' });
  const last = body.messages.at(-1);
  const result = last?.content.find((c) => c.toolResult)?.toolResult?.content.map((c) => c.text ?? '').join('');
  const tool = body.toolConfig?.tools[0]?.toolSpec.name;
  const system = (body.system ?? []).map((s) => s.text).join(' ');
  const userText = lastUserText((body.messages ?? []).map((m) => ({ role: m.role, content: m.content })));
  const text = result !== undefined ? `The tool said: ${result}` : `Hello from Bedrock, model ${model}${system ? `, system: ${system}` : ''}. You said: ${userText}`;
  const useTool = result === undefined && tool !== undefined;
  const stop = useTool ? 'tool_use' : 'end_turn';
  const usage = { inputTokens: 10, outputTokens: useTool ? 5 : text.split(' ').length, totalTokens: 10 + (useTool ? 5 : text.split(' ').length) };
  if (!stream) {
    const content = useTool ? [{ toolUse: { toolUseId: 'tooluse_fake01', name: tool, input: { city: 'Paris' } } }] : [{ text }];
    return json(200, { output: { message: { role: 'assistant', content } }, stopReason: stop, usage, metrics: { latencyMs: 5 } });
  }
  const frames: Buffer[] = [event('messageStart', { role: 'assistant', p: 'abc' })];
  if (useTool) {
    frames.push(event('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tooluse_fake01', name: tool } } }));
    for (const part of ['{"city":', '"Paris"}']) frames.push(event('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: part } } }));
  } else {
    for (const word of text.split(/(?<= )/)) frames.push(event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: word } }));
  }
  frames.push(event('contentBlockStop', { contentBlockIndex: 0 }), event('messageStop', { stopReason: stop }), event('metadata', { usage, metrics: { latencyMs: 5 } }));
  const bad = Buffer.from(event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'x' } }));
  bad.writeUInt32BE((bad.readUInt32BE(bad.length - 4) ^ 1) >>> 0, bad.length - 4);
  return { status: 200, headers: { 'content-type': 'application/vnd.amazon.eventstream' }, frames, malformedFrame: bad };
}

export async function startFakeBedrock(region = 'us-east-1'): Promise<FakeBedrock> {
  const fake = await startFakeUpstream((req) => {
    const m = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(req.path);
    if (req.method !== 'POST' || !m) return json(404, { message: 'UnknownOperationException' });
    if (!signatureValid(req, region)) return json(403, { message: 'The request signature we calculated does not match the signature you provided.' }, { 'x-amzn-errortype': 'InvalidSignatureException' });
    return converse(req, decodeURIComponent(m[1] ?? ''), m[2] === 'converse-stream');
  });
  return { ...fake, baseUrl: fake.url, region };
}

/** Bedrock's throttling answer, for fault tests. */
export const BEDROCK_THROTTLED = { kind: 'status', status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException' }, body: { message: 'Too many requests, please wait before trying again.' } } as const;
