// Spend budgets: cost from usage and the configured price table, thresholds reported before the
// budget runs out, refusals once it has, and a fresh budget each period.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { ANALYST_KEY, PRIVILEGED_KEY, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { ManualClock, OTHER_TENANT_KEY, addCallers, addUpstream, chatBody, logLines, metric, openai, recordsOf, startClockedGateway } from './support.js';

// Eight words: the fake provider reports 11 prompt and 8 completion tokens, so at 0.01 USD per
// prompt token and 0.02 per answer token (the gateway's `prices`) every request costs 0.27 USD; a
// 40-character prompt reserves its estimated prompt tokens (well under 0.19 USD) until then.
const ANSWER = 'One two three four five six seven eight.';
const PRICES = { 'gpt-test': { input_per_mtok: 10_000, output_per_mtok: 20_000 } };

describe('spend budgets', () => {
  let gw: TestGateway;
  let upstream: FakeOpenAI;
  const clock = new ManualClock();

  before(async () => {
    upstream = await startFakeOpenAI({ answer: () => ANSWER });
    gw = await startClockedGateway((c) => {
      addUpstream(c, upstream.baseUrl, ['gpt-test']);
      addCallers(c);
      c['budgets'] = { rules: [{ name: 'team-daily', by: ['tenant'], usd: 1, period: 'day', thresholds: [0.5, 0.8] }] };
      c['prices'] = PRICES;
    }, clock);
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  const spendLines = (): Record<string, unknown>[] => logLines(gw).filter((l) => l['budget'] === 'team-daily');

  it('reports thresholds with a metric and a log line before the budget runs out', async () => {
    const client = openai(gw, ANALYST_KEY);
    await client.chat.completions.create(chatBody('gpt-test', 40));
    assert.equal(spendLines().length, 0);
    await client.chat.completions.create(chatBody('gpt-test', 40));
    assert.equal(await metric(gw, 'palisade_budget_threshold_crossings_total', { budget: 'team-daily', threshold: '0.5' }), 1);
    await client.chat.completions.create(chatBody('gpt-test', 40));
    assert.equal(await metric(gw, 'palisade_budget_threshold_crossings_total', { budget: 'team-daily', threshold: '0.8' }), 1);
    const lines = spendLines();
    assert.deepEqual(
      lines.map((l) => [l['msg'], l['spent_usd'], l['level']]),
      [
        ['budget 50% spent', '0.54', 'warn'],
        ['budget 80% spent', '0.81', 'warn'],
      ],
    );
    assert.deepEqual(lines[0]?.['counter'], { tenant: 'acme' });
  });

  it('admits the request that fits, then refuses with 429 insufficient_quota until the period ends', async () => {
    const client = openai(gw, ANALYST_KEY);
    // 0.81 spent plus the prompt's estimate fits in 1.00; the answer then takes the spend to 1.08.
    await client.chat.completions.create(chatBody('gpt-test', 40));
    assert.equal(spendLines().at(-1)?.['msg'], 'budget used up; further requests are refused until the period ends');
    const forwarded = upstream.received.length;

    const err = await client.chat.completions.create(chatBody('gpt-test', 40)).then(
      () => assert.fail('the budget is used up'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpenAI.RateLimitError);
    const body = err.error as { palisade_code: string; type: string; message: string; decision_id: string };
    assert.equal(body.palisade_code, 'GW_ERR_BUDGET_EXCEEDED');
    assert.equal(body.type, 'insufficient_quota');
    const endOfDay = new Date(clock.now);
    endOfDay.setUTCHours(24, 0, 0, 0);
    assert.match(body.message, new RegExp(`Budget "team-daily" of 1 USD per day for each tenant is used up until ${endOfDay.toISOString().replaceAll('.', '\\.')}\\.`));
    assert.equal(err.headers.get('x-should-retry'), 'false', 'SDKs must not retry into an exhausted budget');
    assert.equal(err.headers.get('retry-after'), String(Math.ceil((endOfDay.getTime() - clock.now) / 1000)));
    assert.equal(upstream.received.length, forwarded);
    const recs = recordsOf(gw, body.decision_id);
    assert.equal(recs.length, 1);
    assert.equal(recs[0]?.error?.code, 'GW_ERR_BUDGET_EXCEEDED');
    assert.equal(recs[0]?.limits?.key, 'budget:team-daily');
    assert.equal(recs[0]?.limits?.allowed, false);
  });

  it('is shared by the tenant and does not touch other tenants', async () => {
    await assert.rejects(openai(gw, PRIVILEGED_KEY).chat.completions.create(chatBody('gpt-test', 40)), (e: unknown) => e instanceof OpenAI.RateLimitError);
    await openai(gw, OTHER_TENANT_KEY).chat.completions.create(chatBody('gpt-test', 40));
  });

  it('starts again from zero in the next period', async () => {
    const next = new Date(clock.now);
    next.setUTCHours(24, 0, 0, 1);
    clock.advance(next.getTime() - clock.now);
    await openai(gw, ANALYST_KEY).chat.completions.create(chatBody('gpt-test', 40));
  });

  it('refuses a model without a price when a budget applies (fail closed)', async () => {
    const err = await openai(gw, ANALYST_KEY)
      .chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'Hello' }] })
      .then(
        () => assert.fail('spend on an unpriced model cannot be checked'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof OpenAI.PermissionDeniedError);
    assert.equal((err.error as { palisade_code: string }).palisade_code, 'GW_ERR_BUDGET_UNPRICED');
  });
});

describe('spend budgets with unpriced models counted as free', () => {
  let gw: TestGateway;

  before(async () => {
    gw = await startClockedGateway((c) => {
      c['budgets'] = { rules: [{ name: 'user-monthly', by: ['user'], usd: 5, period: 'month', thresholds: [] }], unpriced: 'free' };
    });
  });
  after(async () => {
    await gw?.close();
  });

  it('lets the request through', async () => {
    const { response } = await openai(gw, ANALYST_KEY).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'Hello' }] }).withResponse();
    const [decision] = recordsOf(gw, response.headers.get('x-palisade-decision-id') ?? '');
    assert.deepEqual(decision?.limits, { allowed: true, key: 'budget:user-monthly', remaining: 5 });
  });
});
