// One stored answer serves streamed and whole requests: a stream assembles into the completion it
// amounts to, and a completion replays as the chunks a provider would have streamed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assembleChatCompletion, assembleMessage, chatCompletionEvents, messageEvents } from '../../gateway/src/cache/index.js';

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-x',
  system_fingerprint: 'fp_1',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'The capital of France is Paris, which is also its largest city by far.' }, finish_reason: 'stop', logprobs: null },
    {
      index: 1,
      message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } }] },
      finish_reason: 'tool_calls',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 20, total_tokens: 32 },
};

const parse = (events: { data: string }[]) => events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as unknown);

describe('OpenAI chat replay', () => {
  it('round-trips a completion with text, tool calls and usage through its stream', () => {
    const events = chatCompletionEvents(completion, true);
    assert.equal(events.at(-1)?.data, '[DONE]');
    const chunks = parse(events);
    assert.ok(chunks.every((c) => (c as { object: string }).object === 'chat.completion.chunk'));
    assert.ok(chunks.length > 6, 'text arrives in pieces');
    assert.deepEqual(assembleChatCompletion(chunks), completion);
  });

  it('leaves usage out of the stream unless the request asked for it', () => {
    const chunks = parse(chatCompletionEvents(completion, false));
    assert.ok(chunks.every((c) => (c as { usage?: unknown }).usage === undefined));
    assert.equal(assembleChatCompletion(chunks)?.['usage'], undefined);
  });

  it('refuses to assemble a stream that never finished', () => {
    const chunks = parse(chatCompletionEvents(completion, false)).filter((c) => {
      const choice = (c as { choices: { finish_reason: unknown }[] }).choices[0];
      return choice?.finish_reason !== 'stop';
    });
    assert.equal(assembleChatCompletion(chunks), undefined);
  });
});

describe('Anthropic messages replay', () => {
  const message = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-x',
    content: [
      { type: 'thinking', thinking: 'The user wants the capital.', signature: 'sig-1' },
      { type: 'text', text: 'The capital of France is Paris, which is also its largest city by far.' },
      { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { city: 'Paris', detail: ['population'] } },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 12, cache_read_input_tokens: 0, output_tokens: 30 },
  };

  it('round-trips a message with thinking, text, a tool call and usage through its event stream', () => {
    const events = messageEvents(message);
    assert.deepEqual(
      [...new Set(events.map((e) => e.event))],
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    for (const e of events) assert.equal((JSON.parse(e.data) as { type: string }).type, e.event, 'each event names its type twice, as Anthropic sends it');
    assert.deepEqual(assembleMessage(events.map((e) => JSON.parse(e.data) as unknown)), message);
  });

  it('refuses to assemble a stream that never reached message_delta', () => {
    const parsed = messageEvents(message).map((e) => JSON.parse(e.data) as { type: string });
    assert.equal(assembleMessage(parsed.filter((e) => e.type !== 'message_delta')), undefined);
  });
});
