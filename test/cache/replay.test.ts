// One stored answer serves streamed and whole requests: a stream assembles into the completion it
// amounts to, and a completion replays as the chunks a provider would have streamed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assembleChatCompletion, chatCompletionEvents } from '../../gateway/src/cache/index.js';

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
