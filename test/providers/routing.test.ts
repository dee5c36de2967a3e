// Routing: backoff with full jitter and Retry-After, the circuit breaker's states, target order
// per strategy, the policy's `route` (and that no fallback escapes it), and an open circuit
// skipping its target and showing in /metrics.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { backoffDelay, retryDelay } from '../../gateway/src/routing/backoff.js';
import { createCircuitBreaker } from '../../gateway/src/routing/circuit-breaker.js';
import { createLatencyTracker } from '../../gateway/src/routing/latency-tracker.js';
import { orderTargets } from '../../gateway/src/routing/target-order.js';
import { readPolicyRoute } from '../../gateway/src/routing/policy-route.js';
import { parseRetryAfter } from '../../gateway/src/providers/upstream-error.js';
import { ANALYST_KEY, PER_PROCESS_STATE, type TestGateway } from '../support/gateway.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle } from '../policy/support.js';
import { outcomeOf, startFakes, startProviderGateway, type Fakes } from './helpers.js';

describe('backoff and Retry-After', () => {
  const cfg = { base_delay_ms: 100, max_delay_ms: 1000, max_retry_after_ms: 5000 };

  it('draws a full-jitter delay between zero and the doubling, capped bound', () => {
    assert.equal(backoffDelay(1, cfg, () => 0), 0);
    assert.equal(backoffDelay(1, cfg, () => 0.999), 99);
    assert.equal(backoffDelay(3, cfg, () => 0.5), 200);
    assert.equal(backoffDelay(10, cfg, () => 0.999), 999, 'capped at max_delay_ms');
  });

  it('prefers the provider’s Retry-After, and declines waits longer than allowed', () => {
    assert.equal(retryDelay(1, 1500, cfg, () => 0.9), 1500);
    assert.equal(retryDelay(1, 60_000, cfg, () => 0.9), undefined);
    assert.equal(retryDelay(2, undefined, cfg, () => 0.5), 100);
  });

  it('reads Retry-After as seconds or an HTTP date, and retry-after-ms first', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '7' }), now), 7000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now), 30_000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '7', 'retry-after-ms': '250' }), now), 250);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now), undefined);
  });
});

describe('circuit breaker', () => {
  const cfg = { consecutive_failures: 3, error_rate: 0.5, window: 10, min_calls: 6, open_ms: 1000, half_open_probes: 1 };

  it('opens after consecutive failures, rests, admits one probe, and closes on its success', () => {
    const states: string[] = [];
    const b = createCircuitBreaker(cfg, (s) => states.push(s));
    for (let i = 0; i < 3; i++) {
      assert.ok(b.tryAcquire(0));
      b.failure(0);
    }
    assert.equal(b.state(0), 'open');
    assert.equal(b.tryAcquire(999), false);
    assert.ok(b.tryAcquire(1000), 'a probe after the rest');
    assert.equal(b.state(1000), 'half_open');
    assert.equal(b.tryAcquire(1000), false, 'only one probe at a time');
    b.success(1001);
    assert.equal(b.state(1001), 'closed');
    assert.deepEqual(states, ['open', 'half_open', 'closed']);
  });

  it('reopens when the probe fails', () => {
    const b = createCircuitBreaker(cfg);
    for (let i = 0; i < 3; i++) b.failure(0);
    assert.ok(b.tryAcquire(1000));
    b.failure(1000);
    assert.equal(b.state(1500), 'open');
    assert.equal(b.state(2000), 'half_open');
  });

  it('opens on the failure rate over recent calls, without a run of failures', () => {
    const b = createCircuitBreaker(cfg);
    for (const failed of [false, true, false, true, false, true]) (failed ? b.failure : b.success)(0);
    assert.equal(b.state(0), 'open');
    const healthy = createCircuitBreaker(cfg);
    for (const failed of [false, true, false, false, false, true]) (failed ? healthy.failure : healthy.success)(0);
    assert.equal(healthy.state(0), 'closed');
  });
});

describe('target order', () => {
  const t = (provider: string, model: string, weight = 1) => ({ key: `${provider}/${model}`, provider: { name: provider }, model, weight });
  const targets = [t('a', 'm1', 1), t('b', 'm2', 3), t('c', 'm3', 1)];
  const deps = { latency: createLatencyTracker(0.5), price: (_p: string, m: string) => ({ m1: 10, m2: 1 })[m], random: () => 0.5 };

  it('priority keeps config order; weighted picks by weight and keeps the rest as fallbacks', () => {
    assert.deepEqual(orderTargets(targets, 'priority', deps).map((x) => x.provider.name), ['a', 'b', 'c']);
    // 0.5 of a total weight of 5 falls in b's share (1..4).
    assert.deepEqual(orderTargets(targets, 'weighted', deps).map((x) => x.provider.name), ['b', 'a', 'c']);
    assert.deepEqual(orderTargets(targets, 'weighted', { ...deps, random: () => 0.1 }).map((x) => x.provider.name), ['a', 'b', 'c']);
    assert.deepEqual(orderTargets(targets, 'weighted', { ...deps, random: () => 0.95 }).map((x) => x.provider.name), ['c', 'a', 'b']);
  });

  it('least latency tries unmeasured targets first, then the lowest average', () => {
    const latency = createLatencyTracker(0.5);
    latency.observe('a/m1', 100);
    latency.observe('b/m2', 50);
    assert.deepEqual(orderTargets(targets, 'least_latency', { ...deps, latency }).map((x) => x.provider.name), ['c', 'b', 'a']);
    latency.observe('c/m3', 400);
    latency.observe('b/m2', 250);
    assert.equal(latency.average('b/m2'), 150);
    assert.deepEqual(orderTargets(targets, 'least_latency', { ...deps, latency }).map((x) => x.provider.name), ['a', 'b', 'c']);
  });

  it('lowest cost puts priced targets first, cheapest first', () => {
    assert.deepEqual(orderTargets(targets, 'lowest_cost', deps).map((x) => x.provider.name), ['b', 'a', 'c']);
  });
});

describe('the policy’s route output', () => {
  it('reads a model, a provider and a region', () => {
    assert.deepEqual(readPolicyRoute(undefined), {});
    assert.deepEqual(readPolicyRoute({ model: 'claude' }), { model: 'claude' });
    assert.deepEqual(readPolicyRoute({ provider: 'anthropic', region: 'eu-west-1' }), { provider: 'anthropic', region: 'eu-west-1' });
  });

  it('refuses anything it cannot read, so the request fails closed', () => {
    for (const bad of [null, 'claude', 42, ['a'], { model: 3 }, { provider: '' }, { providers: ['a'] }]) {
      assert.throws(() => readPolicyRoute(bad), (err: unknown) => (err as { code?: string }).code === 'GW_ERR_POLICY_ROUTE_INVALID', JSON.stringify(bad));
    }
  });
});

const ROUTE_POLICY = `package palisade.request

decision := {"allow": true, "reasons": [], "route": {"model": "claude"}} if {
  input.request.model == "to-claude"
} else := {"allow": true, "reasons": [], "route": {"region": "eu-west-1"}} if {
  input.request.model == "eu-only"
} else := {"allow": true, "reasons": [], "route": {"provider": "openai"}} if {
  input.request.model == "openai-only"
} else := {"allow": true, "reasons": [], "route": {"model": "not-configured"}} if {
  input.request.model == "bad-route"
} else := {"allow": true, "reasons": []}
`;

describe('routing through a real gateway', () => {
  let fakes: Fakes;
  let gw: TestGateway;
  let client: OpenAI;
  const both = [{ provider: 'openai', model: 'gpt-4o-mini' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }];

  before(async () => {
    fakes = await startFakes();
    const bundlePath = join(fakes.dir, 'route-policy.tar.gz');
    writeFileSync(bundlePath, await buildSignedFixtureBundle({ 'request.rego': ROUTE_POLICY, 'response.rego': ALLOW_RESPONSE_REGO }));
    gw = await startProviderGateway(fakes, (c) => {
      (c['policy'] as Record<string, unknown>)['bundle'] = bundlePath;
      for (const p of c['providers'] as Record<string, unknown>[]) if (p['name'] === 'anthropic') p['region'] = 'eu-west-1';
      (c['models'] as unknown[]).push(
        { name: 'to-claude', provider: 'openai', upstream_model: 'gpt-4o-mini' },
        { name: 'eu-only', targets: both },
        { name: 'openai-only', targets: both },
        { name: 'bad-route', targets: both },
        { name: 'fragile', targets: [{ provider: 'compat', model: 'fragile-1' }, { provider: 'gemini', model: 'gemini-2.0-flash' }] },
      );
      c['routing'] = { retry: { max_attempts: 1 }, breaker: { consecutive_failures: 2, open_ms: 60_000 } };
    });
    client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });

  it('sends the request where the policy routes it', async () => {
    const before = fakes.openai.received.length;
    const res = await client.chat.completions.create({ model: 'to-claude', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(res.choices[0]?.message.content, 'Hello from Anthropic, model claude-sonnet-4-5. You said: Hi');
    assert.equal(fakes.openai.received.length, before);
  });

  it('keeps to the region and provider the policy names, first choice and fallbacks alike', async () => {
    const res = await client.chat.completions.create({ model: 'eu-only', messages: [{ role: 'user', content: 'Hi' }] });
    assert.match(res.choices[0]?.message.content ?? '', /^Hello from Anthropic/);
    fakes.openai.faults.push({ kind: 'status', status: 500 });
    const anthropicBefore = fakes.anthropic.received.length;
    const { error } = await client.chat.completions
      .create({ model: 'openai-only', messages: [{ role: 'user', content: 'Hi' }] })
      .then(() => ({ error: undefined }), (e: unknown) => ({ error: e }));
    assert.ok(error instanceof OpenAI.APIError && error.status === 502, String(error));
    assert.equal(fakes.anthropic.received.length, anthropicBefore, 'the fallback the policy does not allow is never tried');
    const decisionId = (error.error as { decision_id: string }).decision_id;
    assert.match(decisionId, /^[0-9a-f-]{36}$/);
  });

  it('refuses a route it cannot follow (fail closed)', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'bad-route', messages: [{ role: 'user', content: 'Hi' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.PermissionDeniedError);
      assert.equal((err.error as { palisade_code?: string }).palisade_code, 'GW_ERR_POLICY_ROUTE_INVALID');
      return true;
    });
  });

  // Each worker keeps its own circuit per target (docs/workers.md), so a request may reach a worker whose circuit is closed.
  it('opens a failing target’s circuit: it is skipped without a call, and /metrics shows it open', { skip: PER_PROCESS_STATE }, async () => {
    fakes.compat.faults.push({ kind: 'status', status: 502 }, { kind: 'status', status: 502 });
    for (let i = 0; i < 2; i++) {
      const res = await client.chat.completions.create({ model: 'fragile', messages: [{ role: 'user', content: 'Hi' }] });
      assert.match(res.choices[0]?.message.content ?? '', /^Hello from Gemini/, 'the fallback answered');
    }
    const before = fakes.compat.received.length;
    const { data, response } = await client.chat.completions.create({ model: 'fragile', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    assert.match(data.choices[0]?.message.content ?? '', /^Hello from Gemini/);
    assert.equal(fakes.compat.received.length, before, 'the open circuit was not called');
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(metrics, /palisade_upstream_circuit_state\{provider="compat",model="fragile-1"\} 2/);
    assert.match(metrics, /palisade_upstream_circuit_state\{provider="gemini",model="gemini-2.0-flash"\} 0/);
    assert.match(metrics, /palisade_upstream_attempts_total\{provider="compat",model="fragile-1",result="GW_ERR_UPSTREAM_STATUS"\} 2/);
    const id = response.headers.get('x-palisade-decision-id') ?? '';
    await gw.gateway.close();
    assert.deepEqual(outcomeOf(gw, id)?.outcome?.attempts, [
      { provider: 'compat', model: 'fragile-1', error: 'circuit_open' },
      { provider: 'gemini', model: 'gemini-2.0-flash', status: 200 },
    ]);
  });
});
