// Usage in streams as each API documents it: an OpenAI chat stream carries usage only when the
// caller asked for it, and an Anthropic stream states the prompt's size in message_start when the
// provider said it up front, and in message_delta in any case.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { PRIVILEGED_KEY, type TestGateway } from '../support/gateway.js';
import { parseSse, startFakes, startProviderGateway, type Fakes } from './helpers.js';

describe('usage in streamed answers', () => {
  let fakes: Fakes;
  let gw: TestGateway;

  before(async () => {
    fakes = await startFakes();
    gw = await startProviderGateway(fakes);
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });

  async function chatChunks(body: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PRIVILEGED_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }], stream: true, ...body }),
    });
    assert.equal(res.status, 200);
    return parseSse(await res.text())
      .filter((e) => e.data !== '[DONE]')
      .map((e) => JSON.parse(e.data) as Record<string, unknown>);
  }

  it('chat chunks have no "usage" key when the caller did not ask for usage, whatever the gateway asked the provider', async () => {
    for (const model of ['gpt-native', 'azure-gpt', 'claude']) {
      const chunks = await chatChunks({ model });
      assert.ok(chunks.length > 2, model);
      assert.deepEqual(chunks.filter((c) => 'usage' in c), [], model);
    }
    // Asked for, the usage chunk comes last with the provider's counts.
    const asked = await chatChunks({ model: 'gpt-native', stream_options: { include_usage: true } });
    assert.equal((asked.at(-1)?.['usage'] as { prompt_tokens?: number } | undefined)?.prompt_tokens, 11);
  });

  async function anthropicEvents(model: string): Promise<Anthropic.RawMessageStreamEvent[]> {
    const client = new Anthropic({ apiKey: PRIVILEGED_KEY, baseURL: gw.url, maxRetries: 0 });
    const stream = await client.messages.create({ model, max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Hello' }] });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const ev of stream) events.push(ev);
    return events;
  }

  it('Anthropic streams report the prompt tokens in message_start when the provider gave them first, and in message_delta always', async () => {
    // Gemini states the prompt's size on its first chunk.
    const gemini = await anthropicEvents('gemini-flash');
    const start = gemini[0];
    assert.equal(start?.type, 'message_start');
    assert.equal(start?.type === 'message_start' ? start.message.usage.input_tokens : undefined, 8);
    const delta = gemini.find((e) => e.type === 'message_delta');
    assert.equal(delta?.type === 'message_delta' ? delta.usage.input_tokens : undefined, 8);
    // OpenAI-compatible servers say it only at the end: message_delta carries it.
    const openai = await anthropicEvents('azure-gpt');
    const openaiDelta = openai.find((e) => e.type === 'message_delta');
    assert.equal(openaiDelta?.type === 'message_delta' ? openaiDelta.usage.input_tokens : undefined, 11);
  });
});
