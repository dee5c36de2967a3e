// The other served APIs: embeddings (classified and decided like prompts), Responses (native and
// translated, streamed and not), the model list filtered by the caller's policy, and echo
// answering every API for both official clients.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { ANALYST_KEY, PRIVILEGED_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle } from '../policy/support.js';
import { MODEL_POLICY, outcomeOf, startFakes, startProviderGateway, type Fakes } from './helpers.js';

describe('embeddings, responses and models', () => {
  let fakes: Fakes;
  let gw: TestGateway;
  let analyst: OpenAI;
  let privileged: OpenAI;

  before(async () => {
    fakes = await startFakes();
    const bundle = await buildSignedFixtureBundle({ 'request.rego': MODEL_POLICY, 'response.rego': ALLOW_RESPONSE_REGO });
    const bundlePath = join(fakes.dir, 'models-policy.tar.gz');
    writeFileSync(bundlePath, bundle);
    gw = await startProviderGateway(fakes, (c) => {
      (c['policy'] as Record<string, unknown>)['bundle'] = bundlePath;
    });
    analyst = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    privileged = new OpenAI({ apiKey: PRIVILEGED_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });

  it('embeds through an OpenAI provider as sent (the SDK asks for base64 and decodes it)', async () => {
    const res = await analyst.embeddings.create({ model: 'gpt-native', input: ['alpha', 'beta'] });
    assert.equal(res.data.length, 2);
    assert.equal(res.data[0]?.embedding.length, 8);
    assert.equal(fakes.openai.received.at(-1)?.body['encoding_format'], 'base64');
    assert.equal(res.usage.prompt_tokens, 6);
  });

  it('embeds through Gemini by translation, in float or base64', async () => {
    const floats = await analyst.embeddings.create({ model: 'gemini-flash', input: 'alpha', encoding_format: 'float', dimensions: 4 });
    assert.deepEqual(floats.data[0]?.embedding, [0.05, 0.06, 0.07, 0.08]);
    const b64 = await analyst.embeddings.create({ model: 'gemini-flash', input: 'alpha', dimensions: 4 });
    assert.deepEqual(
      b64.data[0]?.embedding.map((v) => Math.round(v * 100) / 100),
      [0.05, 0.06, 0.07, 0.08],
    );
    const sent = fakes.gemini.received.at(-1)?.body['requests'] as { content: { parts: { text: string }[] }; outputDimensionality: number }[];
    assert.equal(sent[0]?.content.parts[0]?.text, 'alpha');
    assert.equal(sent[0]?.outputDimensionality, 4);
  });

  it('classifies embedding inputs: PII is denied before anything leaves', async () => {
    const before = fakes.openai.received.length;
    await assert.rejects(analyst.embeddings.create({ model: 'gpt-native', input: ['fine', 'SSN 536-22-8726'] }), (err: unknown) => err instanceof OpenAI.PermissionDeniedError);
    assert.equal(fakes.openai.received.length, before);
    await assert.rejects(analyst.embeddings.create({ model: 'claude', input: 'hi' }), (err: unknown) => err instanceof OpenAI.NotFoundError);
  });

  it('answers Responses natively from OpenAI, streamed and not', async () => {
    const res = await analyst.responses.create({ model: 'gpt-native', input: 'Hi there' });
    assert.equal(res.output_text, 'Hello from OpenAI Responses, model gpt-4o-mini. You said: Hi there');
    const stream = await analyst.responses.create({ model: 'gpt-native', input: 'Stream it', stream: true });
    let text = '';
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.completed') completed = true;
    }
    assert.equal(text, 'Hello from OpenAI Responses, model gpt-4o-mini. You said: Stream it');
    assert.ok(completed);
  });

  it('answers Responses from chat-only providers by translation, streamed and not', async () => {
    const res = await privileged.responses.create({ model: 'claude', instructions: 'Be brief', input: 'Hi there', max_output_tokens: 64 });
    assert.equal(res.output_text, 'Hello from Anthropic, model claude-sonnet-4-5, system: Be brief. You said: Hi there');
    assert.equal(res.status, 'completed');
    assert.ok((res.usage?.input_tokens ?? 0) > 0);
    assert.equal(fakes.anthropic.received.at(-1)?.body['max_tokens'], 64);
    const stream = privileged.responses.stream({ model: 'bedrock-claude', input: [{ role: 'user', content: 'Stream it' }] });
    const types: string[] = [];
    stream.on('event', (ev) => types.push(ev.type));
    const final = await stream.finalResponse();
    assert.match(final.output_text, /^Hello from Bedrock, .*You said: Stream it$/);
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    assert.ok(types.includes('response.output_text.delta'));
    await assert.rejects(
      privileged.responses.create({ model: 'claude', input: 'Hi', tools: [{ type: 'web_search' }] }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && /feature_unsupported/.test(String((err.error as { code?: string }).code)),
    );
  });

  it('lists only the models the caller’s policy allows, in OpenAI’s and Anthropic’s shapes', async () => {
    const listed = async (c: OpenAI): Promise<string[]> => {
      const ids: string[] = [];
      for await (const m of c.models.list()) ids.push(m.id);
      return ids.sort();
    };
    const forAnalyst = await listed(analyst);
    const forPrivileged = await listed(privileged);
    assert.ok(!forAnalyst.includes('claude') && forAnalyst.includes('gpt-native'), forAnalyst.join());
    assert.ok(forPrivileged.includes('claude'));
    assert.equal(forPrivileged.length, forAnalyst.length + 1);
    assert.equal((await privileged.models.retrieve('claude')).id, 'claude');
    await assert.rejects(analyst.models.retrieve('claude'), (err: unknown) => err instanceof OpenAI.NotFoundError);
    const anthropic = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
    const page = await anthropic.models.list();
    assert.deepEqual(page.data.map((m) => m.id).sort(), forAnalyst);
    assert.equal(page.data[0]?.type, 'model');
  });

  it('denies content it cannot inspect (audio, files, PDFs) on every API to a principal without the role, before anything leaves', async () => {
    const counts = (): number[] => [fakes.openai.received.length, fakes.anthropic.received.length];
    const before = counts();
    await assert.rejects(
      analyst.chat.completions.create({ model: 'gpt-native', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] }),
      (err: unknown) => err instanceof OpenAI.PermissionDeniedError && /cannot inspect/.test(err.message),
    );
    await assert.rejects(
      analyst.responses.create({ model: 'gpt-native', input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'data:application/pdf;base64,AAAA', filename: 'a.pdf' }] }] }),
      (err: unknown) => err instanceof OpenAI.PermissionDeniedError && /cannot inspect/.test(err.message),
    );
    const anthropic = new Anthropic({ apiKey: PRIVILEGED_KEY, baseURL: gw.url, maxRetries: 0 });
    await assert.rejects(
      anthropic.messages.create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'AAAA' } }] }] }),
      (err: unknown) => err instanceof Anthropic.PermissionDeniedError && /cannot inspect/.test(err.message),
    );
    assert.deepEqual(counts(), before);
  });

  it('records the embedding call’s usage in its outcome', async () => {
    const { response } = await analyst.embeddings.create({ model: 'gpt-native', input: 'alpha' }).withResponse();
    const id = response.headers.get('x-palisade-decision-id') ?? '';
    await gw.gateway.close();
    const outcome = outcomeOf(gw, id)?.outcome;
    assert.equal(outcome?.usage?.prompt_tokens, 3);
    assert.equal(outcome?.provider, 'openai');
  });
});

describe('echo answers every API (the gateway with no provider)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => {
    await gw?.close();
  });

  it('works with the OpenAI client on chat, responses, embeddings and models', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'ping' }] });
    assert.equal(chat.choices[0]?.message.content, 'system: S\nuser: ping');
    let streamed = '';
    for await (const c of await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'one two three' }] })) streamed += c.choices[0]?.delta.content ?? '';
    assert.equal(streamed, 'user: one two three');
    const resp = await client.responses.create({ model: 'echo', input: 'hello' });
    assert.equal(resp.output_text, 'user: hello');
    const emb = await client.embeddings.create({ model: 'echo', input: ['same', 'same', 'other'] });
    assert.equal(emb.data[0]?.embedding.length, 16);
    assert.deepEqual(emb.data[0]?.embedding, emb.data[1]?.embedding);
    assert.notDeepEqual(emb.data[0]?.embedding, emb.data[2]?.embedding);
    const models: string[] = [];
    for await (const m of client.models.list()) models.push(m.id);
    assert.deepEqual(models, ['echo']);
  });

  it('works with the Anthropic client, streamed and not', async () => {
    const client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
    const msg = await client.messages.create({ model: 'echo', max_tokens: 100, system: 'S', messages: [{ role: 'user', content: 'ping' }] });
    assert.deepEqual(msg.content, [{ type: 'text', text: 'system: S\nuser: ping' }]);
    const final = await client.messages.stream({ model: 'echo', max_tokens: 100, messages: [{ role: 'user', content: 'one two three' }] }).finalMessage();
    assert.deepEqual(final.content, [{ type: 'text', text: 'user: one two three' }]);
    assert.ok(final.usage.output_tokens > 0);
  });
});
