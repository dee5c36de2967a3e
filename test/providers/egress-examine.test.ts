// The egress hook: every provider shows the exact body it is about to send (echo: the neutral
// request it answers from), and a hook that throws stops the call there: nothing is sent, nothing
// is retried, no fallback is tried. Also: echo never sizes a vector by the caller's number alone.
import type { ModelApi } from '../../gateway/src/api-names.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../gateway/src/errors.js';
import type { ProviderRegistry } from '../../gateway/src/providers/registry.js';
import { newTrace } from '../../gateway/src/providers/types.js';
import { startFakes, type Fakes } from './helpers.js';
import { assertSent, createTranslationRegistry, get, send, type Json } from './translation-support.js';

describe('the egress hook sees what leaves, and can stop it', () => {
  let fakes: Fakes;
  let registry: ProviderRegistry;

  before(async () => {
    fakes = await startFakes();
    registry = createTranslationRegistry(fakes);
  });
  after(async () => {
    await registry?.close();
    await fakes?.close();
  });

  const NATIVE: { api: ModelApi; model: string; body: Json }[] = [
    { api: 'openai.chat', model: 'gpt', body: { messages: [{ role: 'user', content: 'Hi' }], logit_bias: { '50256': -100 } } },
    { api: 'openai.chat', model: 'gpt', body: { stream: true, messages: [{ role: 'user', content: 'Hi' }] } },
    { api: 'openai.embeddings', model: 'gpt', body: { input: 'alpha' } },
    { api: 'openai.responses', model: 'gpt', body: { input: 'Hi' } },
    { api: 'anthropic.messages', model: 'claude', body: { max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] } },
    { api: 'openai.embeddings', model: 'gemini-flash', body: { input: ['alpha', 'beta'] } },
  ];
  for (const { api, model, body } of NATIVE) {
    it(`${api} on ${model}${body['stream'] === true ? ', streamed' : ''}: the hook sees exactly the body sent`, async () => {
      const out = await send(registry, fakes, api, model, body);
      assertSent(out, 'openai');
    });
  }

  it('echo shows the hook the neutral request it answers from', async () => {
    const chat = await send(registry, fakes, 'openai.chat', 'echo', { messages: [{ role: 'system', content: 'S1' }, { role: 'user', content: 'Hi' }] });
    assert.deepEqual(get(assertSent(chat, 'echo').body, 'system'), ['S1']);
    const embed = await send(registry, fakes, 'openai.embeddings', 'echo', { input: 'alpha' });
    assert.deepEqual(get(assertSent(embed, 'echo').body, 'inputs'), ['alpha']);
  });

  for (const model of ['gpt', 'claude', 'bedrock-claude', 'gemini-flash', 'echo']) {
    it(`${model}: a hook that throws fails the call with its error, and nothing is sent`, async () => {
      const refusal = new GatewayError('GW_ERR_INTERNAL', { detail: 'unexamined' });
      const out = await send(registry, fakes, 'openai.chat', model, { messages: [{ role: 'user', content: 'Hi' }] }, {
        examine: () => {
          throw refusal;
        },
      });
      assert.equal(out.error, refusal);
      assert.deepEqual(out.received, []);
    });
  }

  it('a hook that throws is neither retried nor answered by the next target', async () => {
    const before = { openai: fakes.openai.received.length, anthropic: fakes.anthropic.received.length };
    const refusal = new GatewayError('GW_ERR_UPSTREAM_UNAVAILABLE');
    let shown = 0;
    const trace = newTrace();
    const out = await send(registry, fakes, 'openai.chat', 'gpt-then-claude', { messages: [{ role: 'user', content: 'Hi' }] }, {
      trace,
      examine: () => {
        shown++;
        throw refusal;
      },
    });
    assert.equal(out.error, refusal);
    assert.equal(shown, 1, 'one look, no retry, no fallback');
    assert.equal(fakes.openai.received.length, before.openai);
    assert.equal(fakes.anthropic.received.length, before.anthropic);
    assert.deepEqual(trace.attempts, [{ provider: 'openai', model: 'gpt-4o-mini', error: 'GW_ERR_UPSTREAM_UNAVAILABLE' }]);
  });

  it('echo answers at most 3072 dimensions, whatever number the caller sends', async () => {
    const out = await send(registry, fakes, 'openai.embeddings', 'echo', { input: 'alpha', dimensions: 1_000_000_000 });
    assert.equal(out.error, undefined, String(out.error));
    assert.equal((get(out.answer, 'data[0].embedding') as number[]).length, 3072);
  });
});
