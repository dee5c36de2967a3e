// A loopback server speaking Anthropic's messages API as documented: x-api-key and
// anthropic-version required, JSON answers, and the SSE sequence message_start,
// content_block_start, ping, content_block_delta, content_block_stop, message_delta, message_stop.
// With tools it calls the first tool; given a tool result it answers with it.
import { json, lastUserText, sse, sseFrame, startFakeUpstream, type FakeUpstream, type ReceivedRequest } from './fake-upstream.js';

export interface FakeAnthropic extends FakeUpstream {
  /** Base URL as a provider config wants it (with /v1). */
  baseUrl: string;
}

export const ANTHROPIC_FAKE_KEY = 'sk-ant-fake-provider-key';

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (Array.isArray(system)) return (system as { text?: string }[]).map((b) => b.text ?? '').join('');
  return '';
}

function toolResultOf(messages: unknown): string | undefined {
  const last = (Array.isArray(messages) ? messages : []).at(-1) as { content?: unknown } | undefined;
  if (!Array.isArray(last?.content)) return undefined;
  for (const b of last.content as { type?: string; content?: unknown }[]) {
    if (b.type === 'tool_result') return typeof b.content === 'string' ? b.content : JSON.stringify(b.content);
  }
  return undefined;
}

function answerBlocks(body: Record<string, unknown>): { blocks: Block[]; stop: string } {
  const tools = Array.isArray(body['tools']) ? (body['tools'] as { name: string }[]) : [];
  const result = toolResultOf(body['messages']);
  if (result !== undefined) return { blocks: [{ type: 'text', text: `The tool said: ${result}` }], stop: 'end_turn' };
  if (tools.length > 0 && tools[0]) return { blocks: [{ type: 'tool_use', id: 'toolu_fake01', name: tools[0].name, input: { city: 'Paris' } }], stop: 'tool_use' };
  const system = systemText(body['system']);
  const text = `Hello from Anthropic, model ${String(body['model'])}${system ? `, system: ${system}` : ''}. You said: ${lastUserText(body['messages'])}`;
  return { blocks: [{ type: 'text', text }], stop: 'end_turn' };
}

function answer(req: ReceivedRequest, n: number) {
  if (req.method !== 'POST' || req.path !== '/v1/messages') return json(404, { type: 'error', error: { type: 'not_found_error', message: 'Not found' } });
  if (req.headers['x-api-key'] !== ANTHROPIC_FAKE_KEY) return json(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
  if (typeof req.headers['anthropic-version'] !== 'string') return json(400, { type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version header is required' } });
  const b = req.body;
  if (typeof b['max_tokens'] !== 'number') return json(400, { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
  if (!Array.isArray(b['messages']) || b['messages'].length === 0) return json(400, { type: 'error', error: { type: 'invalid_request_error', message: 'messages: Field required' } });
  const { blocks, stop } = answerBlocks(b);
  const id = `msg_fake${n}`;
  const outputTokens = blocks.reduce((k, blk) => k + (blk.type === 'text' ? blk.text.split(' ').length : 5), 0);
  const usage = { input_tokens: 12, output_tokens: outputTokens };
  if (b['stream'] !== true) {
    return json(200, { id, type: 'message', role: 'assistant', model: b['model'], content: blocks, stop_reason: stop, stop_sequence: null, usage });
  }
  const frames: string[] = [
    sseFrame({ type: 'message_start', message: { id, type: 'message', role: 'assistant', model: b['model'], content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } } }, 'message_start'),
  ];
  blocks.forEach((blk, index) => {
    if (blk.type === 'text') {
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start'));
      if (index === 0) frames.push(sseFrame({ type: 'ping' }, 'ping'));
      for (const word of blk.text.split(/(?<= )/)) frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: word } }, 'content_block_delta'));
    } else {
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: blk.id, name: blk.name, input: {} } }, 'content_block_start'));
      const args = JSON.stringify(blk.input);
      const half = Math.floor(args.length / 2);
      for (const part of [args.slice(0, half), args.slice(half)]) frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } }, 'content_block_delta'));
    }
    frames.push(sseFrame({ type: 'content_block_stop', index }, 'content_block_stop'));
  });
  frames.push(sseFrame({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: outputTokens } }, 'message_delta'));
  frames.push(sseFrame({ type: 'message_stop' }, 'message_stop'));
  return sse(frames, 'event: content_block_delta\ndata: {"type": "content_block_delta", broken\n\n');
}

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  let n = 0;
  const fake = await startFakeUpstream((req) => answer(req, ++n));
  return { ...fake, baseUrl: `${fake.url}/v1` };
}
