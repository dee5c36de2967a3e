// A model alias is the caller's name: answers, whole and streamed, name the alias the caller asked
// for rather than the provider's model behind it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { PRIVILEGED_KEY, type TestGateway } from '../support/gateway.js';
import { startFakes, startProviderGateway, type Fakes } from './helpers.js';

describe('answers name the alias the caller asked for', () => {
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

  it('OpenAI chat, whole and streamed (gpt-native is gpt-4o-mini upstream)', async () => {
    const client = new OpenAI({ apiKey: PRIVILEGED_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const whole = await client.chat.completions.create({ model: 'gpt-native', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(whole.model, 'gpt-native');
    assert.equal(fakes.openai.received.at(-1)?.body['model'], 'gpt-4o-mini', 'the provider got its own name');
    const models = new Set<string>();
    for await (const chunk of await client.chat.completions.create({ model: 'gpt-native', stream: true, messages: [{ role: 'user', content: 'Hi' }] })) models.add(chunk.model);
    assert.deepEqual([...models], ['gpt-native']);
  });

  it('Anthropic messages, whole and streamed, translated and native', async () => {
    const client = new Anthropic({ apiKey: PRIVILEGED_KEY, baseURL: gw.url, maxRetries: 0 });
    for (const model of ['claude', 'gpt-native']) {
      const whole = await client.messages.create({ model, max_tokens: 32, messages: [{ role: 'user', content: 'Hi' }] });
      assert.equal(whole.model, model);
      const stream = client.messages.stream({ model, max_tokens: 32, messages: [{ role: 'user', content: 'Hi' }] });
      const final = await stream.finalMessage();
      assert.equal(final.model, model);
    }
  });
});
