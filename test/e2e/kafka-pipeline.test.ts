// The production shape: OIDC callers through the gateway, audit records through a real Kafka
// broker, and the audit consumer as a separate process writing one Merkle log per partition.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { parseVerifier, verifyTlogProof } from '@palisade/audit-core';
import { REPO, startTestGateway, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { startOidcProvider, OIDC_AUDIENCE, type TestIssuer } from '../support/oidc.js';
import { createTopic, uniqueTopic, useKafka, type KafkaHandle } from '../support/kafka.js';
import { runCli } from '../support/cli.js';
import { ledgerLogs, readLedgerRecords } from '../support/ledger.js';

const TOPIC = uniqueTopic('palisade.audit.e2e');
const SECRET = 'a-client-secret-long-enough-for-oidc-provider';

async function waitFor(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('production shape: OIDC, Kafka and the audit consumer', () => {
  let kafka: KafkaHandle;
  let issuer: TestIssuer;
  let upstream: FakeOpenAI;
  let gw: TestGateway;
  let consumer: ChildProcess | undefined;
  let consumerLog = '';
  const work = mkdtempSync(join(tmpdir(), 'palisade-e2e-'));
  const ledgerDir = join(work, 'ledger');

  before(async () => {
    kafka = await useKafka();
    await createTopic(kafka.brokers, TOPIC, 2);
    issuer = await startOidcProvider([
      { client_id: 'analyst-app', client_secret: SECRET, roles: ['analyst'], tenant: 'acme' },
      { client_id: 'privileged-app', client_secret: SECRET, roles: ['analyst', 'pii-reader'], tenant: 'acme' },
    ]);
    upstream = await startFakeOpenAI();
    gw = await startTestGateway((c) => {
      c['audit'] = {
        sink: 'kafka',
        kafka: { brokers: kafka.brokers, topic: TOPIC, client_id: 'palisade-e2e', ack_timeout_ms: 10_000, linger_ms: 0 },
        commitment_key_file: join(work, 'commitment.key'),
        create_commitment_key: true,
      };
      (c['identity'] as { oidc: unknown[] }).oidc = [
        { issuer: issuer.issuer, client_id: 'palisade-gateway', audience: OIDC_AUDIENCE, algorithms: ['RS256'], roles_claim: 'roles', tenant_claim: 'tenant', clock_tolerance_s: 5, allow_insecure_http: true },
      ];
      (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
      (c['models'] as unknown[]).push({ name: 'gpt-test', provider: 'upstream' });
    });

    const consumerConfig = join(work, 'consumer.json');
    writeFileSync(
      consumerConfig,
      JSON.stringify({
        kafka: { brokers: kafka.brokers, client_id: 'palisade-audit-e2e', topic: TOPIC, group_id: `ledger-${TOPIC}` },
        ledger: { dir: ledgerDir, origin_prefix: 'e2e.palisade/audit', signing_key_file: join(work, 'ledger.key'), create_signing_key: true },
        http: { host: '127.0.0.1', port: 0 },
        log: { level: 'info' },
      }),
    );
    consumer = spawn(process.execPath, [join(REPO, 'audit-consumer/bin/palisade-audit.js'), 'consume', '--config', consumerConfig], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600_000,
    });
    consumer.stdout?.on('data', (d: Buffer) => (consumerLog += d.toString()));
    consumer.stderr?.on('data', (d: Buffer) => (consumerLog += d.toString()));
  });

  after(async () => {
    if (consumer && consumer.exitCode === null) {
      const exited = new Promise((r) => consumer?.once('exit', r));
      consumer.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      consumer.kill('SIGKILL');
    }
    await gw?.close();
    await upstream?.close();
    await issuer?.close();
    await kafka?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const client = (token: string): OpenAI => new OpenAI({ apiKey: token, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const ids: { id: string; allowed: boolean }[] = [];
  /** Identity refusals are audited too, with the reason and no principal. */
  const refusedIds: string[] = [];

  it('serves OIDC callers, streamed and not, with the decision on record first', async () => {
    const analyst = await issuer.token('analyst-app');
    const { data, response } = await client(analyst).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Draft a memo.' }] }).withResponse();
    assert.match(data.choices[0]?.message.content ?? '', /fake upstream/);
    ids.push({ id: response.headers.get('x-palisade-decision-id') ?? '', allowed: true });

    const streamed = await client(analyst).chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'Draft a memo.' }] }).withResponse();
    let text = '';
    for await (const chunk of streamed.data) text += chunk.choices[0]?.delta.content ?? '';
    assert.match(text, /fake upstream/);
    ids.push({ id: streamed.response.headers.get('x-palisade-decision-id') ?? '', allowed: true });
  });

  it('denies the analyst an SSN prompt and allows the privileged caller', async () => {
    const prompt = [{ role: 'user' as const, content: 'Patient SSN 536-22-8726, please summarise.' }];
    const forwarded = upstream.received.length;
    try {
      await client(await issuer.token('analyst-app')).chat.completions.create({ model: 'gpt-test', messages: prompt });
      assert.fail('expected 403');
    } catch (err) {
      assert.ok(err instanceof OpenAI.PermissionDeniedError);
      ids.push({ id: (err.error as { decision_id: string }).decision_id, allowed: false });
    }
    assert.equal(upstream.received.length, forwarded);
    const { response } = await client(await issuer.token('privileged-app')).chat.completions.create({ model: 'gpt-test', messages: prompt }).withResponse();
    ids.push({ id: response.headers.get('x-palisade-decision-id') ?? '', allowed: true });
  });

  it('refuses a forged token with 401 and WWW-Authenticate', async () => {
    const token = await issuer.token('analyst-app');
    const [h, p] = token.split('.');
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h}.${p}.AAAA`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /Bearer .*invalid_token/);
    refusedIds.push(res.headers.get('x-palisade-decision-id') ?? '');
  });

  it('the consumer writes each decision once into per-partition logs that verify', async () => {
    const expected = ids.length + ids.filter((i) => i.allowed).length + refusedIds.length;
    await waitFor(`${expected} ledger entries (consumer log: ${consumerLog.slice(-2000)})`, () => {
      try {
        return ledgerLogs(ledgerDir).reduce((n, dir) => n + readLedgerRecords(dir).length, 0) >= expected;
      } catch {
        return false;
      }
    });
    const records = ledgerLogs(ledgerDir).flatMap((dir) => readLedgerRecords(dir));
    assert.equal(records.length, expected);
    for (const { id, allowed } of ids) {
      assert.equal(records.filter((r) => r.decision_id === id && r.phase === 'decision').length, 1, `decision ${id} once`);
      assert.equal(records.filter((r) => r.decision_id === id && r.phase === 'outcome').length, allowed ? 1 : 0);
      assert.equal(records.find((r) => r.decision_id === id)?.principal.iss, issuer.issuer);
    }
    for (const id of refusedIds) assert.equal(records.find((r) => r.decision_id === id)?.error?.code, 'GW_ERR_AUTH_INVALID');
    const refused = records.filter((r) => r.error?.code === 'GW_ERR_AUTH_INVALID');
    assert.equal(refused.length, 1, 'the forged token was refused on the record');
    assert.equal(refused[0]?.phase, 'decision');
    const result = await runCli('palisade-audit', ['verify', ledgerDir]);
    assert.equal(result.code, 0, result.stderr);
  });

  it('the consumer serves a receipt for every decision, which verifies with the log key alone', async () => {
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"ledger served"/.exec(consumerLog)?.[1];
    assert.ok(url, `the consumer logs where it serves the ledger: ${consumerLog.slice(-1000)}`);
    const vkey = parseVerifier(readFileSync(join(ledgerLogs(ledgerDir)[0]!, 'log.vkey'), 'utf8'));
    for (const { id, allowed } of ids) {
      const res = await fetch(`${url}/api/v1/receipts/${id}`);
      assert.equal(res.status, 200, `receipt for ${id}`);
      const receipt = verifyTlogProof(await res.text(), [vkey]);
      assert.match(receipt.checkpoint.origin, /^e2e\.palisade\/audit\/[01]$/);
      assert.equal((JSON.parse(Buffer.from(receipt.entry).toString('utf8')) as { decision_id: string }).decision_id, id);
      assert.equal((await fetch(`${url}/api/v1/receipts/${id}?phase=outcome`)).status, allowed ? 200 : 404);
    }
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200);
  });
});

describe('fail closed when Kafka is unreachable', () => {
  it('answers 503 and forwards nothing', async () => {
    const upstream = await startFakeOpenAI();
    // Port 1 on loopback: nothing listens there, so the producer cannot connect.
    const gw = await startTestGateway((c) => {
      const audit = c['audit'] as Record<string, unknown>;
      c['audit'] = {
        sink: 'kafka',
        kafka: { brokers: ['127.0.0.1:1'], topic: TOPIC, client_id: 'palisade-down', ack_timeout_ms: 2000, linger_ms: 0 },
        commitment_key_file: audit['commitment_key_file'],
        create_commitment_key: true,
      };
      (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
      (c['models'] as unknown[]).push({ name: 'gpt-test', provider: 'upstream' });
    });
    try {
      const client = new OpenAI({ apiKey: 'sk-test-privileged-0123456789', baseURL: `${gw.url}/v1`, maxRetries: 0 });
      await assert.rejects(client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello' }] }), (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError);
        assert.equal(err.status, 503);
        assert.equal((err.error as { palisade_code?: string }).palisade_code, 'GW_ERR_AUDIT_UNAVAILABLE');
        return true;
      });
      assert.equal(upstream.received.length, 0);
      const ready = await fetch(`${gw.url}/readyz`);
      assert.equal(ready.status, 503);
    } finally {
      await gw.close();
      await upstream.close();
    }
  });
});
