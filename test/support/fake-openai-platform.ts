// A loopback server speaking OpenAI's platform API as documented, and Azure OpenAI's variant of
// it: chat completions (JSON and SSE, tools, stream_options.include_usage), embeddings (float or
// base64) and Responses (JSON and the response.* event sequence). Azure mode serves
// /openai/deployments/{deployment}/... with api-version and the api-key header.
import { json, lastUserText, sse, sseFrame, startFakeUpstream, type Answer, type FakeUpstream, type ReceivedRequest } from './fake-upstream.js';

export const OPENAI_FAKE_KEY = 'sk-openai-fake-provider-key';

export interface FakeOpenAIPlatform extends FakeUpstream {
  /** Base URL as a provider config wants it: with /v1, or Azure's resource endpoint. */
  baseUrl: string;
}

export interface FakeOpenAIPlatformOptions {
  azure?: { apiVersion: string };
  /** Refuse stream_options as some compatible servers do. */
  rejectStreamOptions?: boolean;
}

function toolResult(messages: unknown): string | undefined {
  const last = (Array.isArray(messages) ? messages : []).at(-1) as { role?: string; content?: unknown } | undefined;
  return last?.role === 'tool' ? String(last.content) : undefined;
}

function systemOf(messages: unknown): string {
  return (Array.isArray(messages) ? (messages as { role?: string; content?: unknown }[]) : [])
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => String(m.content))
    .join(' ');
}

function chat(body: Record<string, unknown>, model: string, n: number): Answer {
  const id = `chatcmpl-fake${n}`;
  const created = 1_700_000_000;
  const tools = Array.isArray(body['tools']) ? (body['tools'] as { function: { name: string } }[]) : [];
  const result = toolResult(body['messages']);
  const system = systemOf(body['messages']);
  const text = result !== undefined ? `The tool said: ${result}` : `Hello from OpenAI, model ${model}${system ? `, system: ${system}` : ''}. You said: ${lastUserText(body['messages'])}`;
  const call = result === undefined && tools[0] ? { id: 'call_fake01', type: 'function', function: { name: tools[0].function.name, arguments: '{"city":"Paris"}' } } : undefined;
  const finish = call ? 'tool_calls' : 'stop';
  const completion = call ? 6 : text.split(' ').length;
  const usage = { prompt_tokens: 11, completion_tokens: completion, total_tokens: 11 + completion };
  if (body['stream'] !== true) {
    const message = call ? { role: 'assistant', content: null, tool_calls: [call] } : { role: 'assistant', content: text };
    return json(200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finish, logprobs: null }], usage });
  }
  // With include_usage, OpenAI puts `"usage": null` on every chunk before the usage chunk.
  const withUsage = (body['stream_options'] as { include_usage?: boolean } | undefined)?.include_usage === true;
  const base = { id, object: 'chat.completion.chunk', created, model, ...(withUsage ? { usage: null } : {}) };
  const frames: string[] = [sseFrame({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: call ? null : '' }, finish_reason: null }] })];
  if (call) {
    frames.push(sseFrame({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, finish_reason: null }] }));
    for (const part of ['{"city":', '"Paris"}']) frames.push(sseFrame({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: part } }] }, finish_reason: null }] }));
  } else {
    for (const word of text.split(/(?<= )/)) frames.push(sseFrame({ ...base, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] }));
  }
  frames.push(sseFrame({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] }));
  if (withUsage) frames.push(sseFrame({ ...base, choices: [], usage }));
  frames.push(sseFrame('[DONE]'));
  return sse(frames);
}

function vector(text: string, dims: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < dims; i++) out.push(((text.charCodeAt(i % Math.max(1, text.length)) || 1) % 17) / 17);
  return out;
}

function embeddings(body: Record<string, unknown>, model: string): Answer {
  const raw = body['input'];
  // Token ids (one array of integers, or an array of them) embed like the text they stand for.
  const list: unknown[] = typeof raw === 'string' || (Array.isArray(raw) && raw.every((x) => typeof x === 'number')) ? [raw] : (raw as unknown[]);
  const inputs = list.map((t) => (typeof t === 'string' ? t : JSON.stringify(t)));
  const base64 = body['encoding_format'] === 'base64';
  const data = inputs.map((t, index) => {
    const v = vector(t, 8);
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v };
  });
  return json(200, { object: 'list', data, model, usage: { prompt_tokens: inputs.length * 3, total_tokens: inputs.length * 3 } });
}

function responses(body: Record<string, unknown>, model: string, n: number): Answer {
  const input = typeof body['input'] === 'string' ? body['input'] : lastUserText(body['input']);
  const text = `Hello from OpenAI Responses, model ${model}. You said: ${input}`;
  const id = `resp_fake${n}`;
  const item = { type: 'message', id: `msg_fake${n}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
  const usage = { input_tokens: 9, output_tokens: text.split(' ').length, total_tokens: 9 + text.split(' ').length };
  const done = { id, object: 'response', created_at: 1_700_000_000, status: 'completed', model, output: [item], usage };
  if (body['stream'] !== true) return json(200, done);
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>): string => sseFrame({ type, sequence_number: seq++, ...data }, type);
  const frames = [
    ev('response.created', { response: { ...done, status: 'in_progress', output: [], usage: null } }),
    ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }),
    ev('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    ...text.split(/(?<= )/).map((delta) => ev('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta })),
    ev('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text }),
    ev('response.output_item.done', { output_index: 0, item }),
    ev('response.completed', { response: done }),
  ];
  return sse(frames);
}

function route(req: ReceivedRequest, options: FakeOpenAIPlatformOptions, n: number): Answer {
  const url = new URL(req.path, 'http://fake');
  let endpoint: string;
  let model = String(req.body['model']);
  if (options.azure) {
    const m = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(url.pathname);
    if (!m) return json(404, { error: { code: '404', message: 'Resource not found' } });
    if (url.searchParams.get('api-version') !== options.azure.apiVersion) return json(400, { error: { code: 'BadRequest', message: 'unsupported api-version' } });
    if (req.headers['api-key'] !== OPENAI_FAKE_KEY) return json(401, { error: { code: '401', message: 'Access denied due to invalid subscription key.' } });
    model = decodeURIComponent(m[1] ?? '');
    endpoint = m[2] ?? '';
  } else {
    if (req.headers.authorization !== `Bearer ${OPENAI_FAKE_KEY}`) return json(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    endpoint = url.pathname.replace(/^\/v1\//, '');
  }
  if (options.rejectStreamOptions && req.body['stream_options'] !== undefined) return json(400, { error: { message: 'stream_options is not supported', type: 'invalid_request_error' } });
  // A provider endpoint the gateway does not model, for pass-through.
  if (req.method === 'GET' && endpoint === 'files') return json(200, { object: 'list', data: [{ id: 'file-1', object: 'file', bytes: 12, filename: 'notes.txt', purpose: 'assistants' }], has_more: false });
  if (req.method === 'GET' && endpoint.startsWith('files/')) return json(200, { id: endpoint.slice(6), object: 'file', bytes: 12, filename: 'notes.txt', purpose: 'assistants' });
  if (req.method !== 'POST') return json(405, { error: { message: 'method not allowed' } });
  if (endpoint === 'chat/completions') return chat(req.body, model, n);
  if (endpoint === 'embeddings') return embeddings(req.body, model);
  if (endpoint === 'responses') return responses(req.body, model, n);
  return json(404, { error: { message: `no route ${url.pathname}`, type: 'invalid_request_error' } });
}

export async function startFakeOpenAIPlatform(options: FakeOpenAIPlatformOptions = {}): Promise<FakeOpenAIPlatform> {
  let n = 0;
  const fake = await startFakeUpstream((req) => route(req, options, ++n));
  return { ...fake, baseUrl: options.azure ? fake.url : `${fake.url}/v1` };
}
