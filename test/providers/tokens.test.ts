// Tokens and cost: the tokenizer's estimates (pre-flight and when a provider reports no usage),
// the price table, and usage and cost in outcome records and metrics.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { estimateTokens, estimateTokensOf } from '../../gateway/src/tokens/estimate-tokens.js';
import { createPriceTable } from '../../gateway/src/tokens/price-table.js';
import { ANALYST_KEY, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { outcomeOf, startFakes, startProviderGateway, type Fakes } from './helpers.js';

describe('token estimates', () => {
  it('counts with the o200k tokenizer, special-token text included', () => {
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('hello world'), 2);
    assert.ok(estimateTokens('say <|endoftext|> now') > 3, 'special tokens count as ordinary text');
    assert.equal(estimateTokensOf(['hello world', 'hello world']), 4);
  });

  it('scales a count taken on a prefix for very long texts', () => {
    const long = 'The quarterly figures rose by four percent. '.repeat(2000);
    const exact = estimateTokens(long.slice(0, 16 * 1024));
    const scaled = estimateTokens(long);
    assert.ok(scaled > exact * 5 && scaled < exact * 6, `${scaled} vs ${exact}`);
  });
});

describe('price table', () => {
  const prices = createPriceTable({ 'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 }, 'azure:gpt-4o-mini': { input_per_mtok: 0.2, output_per_mtok: 0.8 }, fast: { input_per_mtok: 1, output_per_mtok: 2 } });

  it('prices by provider and model, then model, then the alias callers used', () => {
    assert.equal(prices.costOf('openai', 'gpt-4o-mini', { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 }), 0.75);
    assert.equal(prices.costOf('azure', 'gpt-4o-mini', { prompt_tokens: 1000, completion_tokens: 500 }), 0.0006);
    assert.equal(prices.costOf('x', 'unlisted', { prompt_tokens: 1000, completion_tokens: 1000 }, 'fast'), 0.003);
    assert.equal(prices.costOf('x', 'unlisted', { prompt_tokens: 1, completion_tokens: 1 }), undefined);
    assert.equal(prices.costOf('x', 'constructor', { prompt_tokens: 1, completion_tokens: 1 }), undefined, 'no inherited keys');
  });
});

describe('usage and cost through the gateway', () => {
  let fakes: Fakes;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    fakes = await startFakes();
    gw = await startProviderGateway(fakes, (c) => {
      c['prices'] = { 'claude-sonnet-4-5': { input_per_mtok: 3, output_per_mtok: 15 }, 'compat:llama-3.1-8b': { input_per_mtok: 0.05, output_per_mtok: 0.08 } };
    });
    client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });

  it('records the provider’s usage and its cost, and counts both in metrics', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Price this' }] }).withResponse();
    const usage = data.usage;
    assert.ok(usage);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`palisade_tokens_total\\{provider="anthropic",model="claude-sonnet-4-5",kind="input"\\} ${usage.prompt_tokens}`));
    assert.match(metrics, /palisade_cost_usd_total\{provider="anthropic",model="claude-sonnet-4-5"\} 0\.000/);
    const id = response.headers.get('x-palisade-decision-id') ?? '';
    const streamed = await client.chat.completions.create({ model: 'compat-llama', stream: true, messages: [{ role: 'user', content: 'No usage from this server' }] }).withResponse();
    let text = '';
    for await (const c of streamed.data) text += c.choices[0]?.delta.content ?? '';
    const streamedId = streamed.response.headers.get('x-palisade-decision-id') ?? '';
    await gw.gateway.close();

    const outcome = outcomeOf(gw, id)?.outcome;
    assert.deepEqual(outcome?.usage, usage);
    assert.equal(outcome?.cost_usd, (usage.prompt_tokens * 3 + usage.completion_tokens * 15) / 1e6);

    // The server sent no usage: both sides are estimated, the prompt from the pre-flight count.
    const records = readGatewayRecords(gw);
    const decision = records.find((r) => r.decision_id === streamedId && r.phase === 'decision');
    const preflight = (decision?.policy?.input as { prompt: { estimated_tokens: number } }).prompt.estimated_tokens;
    assert.equal(preflight, estimateTokens('No usage from this server'));
    const estimated = outcomeOf(gw, streamedId)?.outcome;
    assert.deepEqual(estimated?.usage, { prompt_tokens: preflight, completion_tokens: estimateTokens(text), total_tokens: preflight + estimateTokens(text) });
    assert.equal(estimated?.cost_usd, (preflight * 0.05 + estimateTokens(text) * 0.08) / 1e6);
  });
});
