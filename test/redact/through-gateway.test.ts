// Redaction and answer guarding as callers and providers see them: the request decision's
// `redact` rewrites the prompt before it leaves, reversible mode puts the values back in the
// answer (whole and streamed, placeholders split across chunks), and the response decision
// blocks or redacts answers, ending a stream with a well-formed error before a secret leaks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { ANALYST_KEY, startTestGateway, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { buildSignedFixtureBundle } from '../policy/support.js';

const REQUEST_REGO = `package palisade.request

decision := {
	"allow": true,
	"reasons": [],
	"redact": {"US_SSN": "placeholder", "EMAIL_ADDRESS": "mask", "CREDIT_CARD": "hash", "EMPLOYEE_ID": "remove"},
}
`;

const RESPONSE_REGO = `package palisade.response

secret if "SECRET" in input.response.classification.labels

decision := {"allow": false, "reasons": [{"code": "secret_in_response", "message": "The answer contains a secret."}]} if secret
else := {"allow": true, "reasons": [], "redact": {"PHONE_NUMBER": "mask"}} if input.response.classification.entities.PHONE_NUMBER.count > 0
else := {"allow": true, "reasons": []}
`;

const SSN = '536-22-7788';
const EMAIL = 'bob@example.com';
const TOKEN = 'ghp_R4nd0mT0k3nV4lu3Abc123Xyz789Qwe456Rt';
const PHONE = '+1 212 555 0142';
const FILLER = 'The quarterly figures look steady and the team is on track. ';

/** The fake answers with the last user message it received, or a scripted answer for some prompts. */
function answerFor(body: Record<string, unknown>): string {
  const messages = body['messages'] as { content: string }[];
  const last = messages.at(-1)?.content ?? '';
  if (last.includes('leak')) return `${FILLER}${FILLER}Here it is: ${TOKEN} and more text after it.`;
  if (last.includes('phone')) return `Call the desk on ${PHONE} today.`;
  return `You wrote: ${last}`;
}

/**
 * A loopback provider in OpenAI's format whose answer is a tool call carrying a token in its
 * arguments, whole or streamed in small pieces.
 */
async function startToolCallingUpstream(): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const args = JSON.stringify({ repo: 'acme/app', token: TOKEN });
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as { stream?: boolean; model: string };
      const base = { id: 'chatcmpl-tool', created: 1_700_000_000, model: body.model };
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'clone', arguments: args } }] }, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (choice: unknown): boolean => res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [choice] })}\n\n`);
      send({ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'clone', arguments: '' } }] }, finish_reason: null });
      for (const piece of args.match(/[\s\S]{1,4}/g) ?? []) send({ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] }, finish_reason: null });
      send({ index: 0, delta: {}, finish_reason: 'tool_calls' });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function ledger(gw: TestGateway): AuditRecordV1[] {
  return readGatewayRecords(gw);
}

/** The records of one decision, once the ledger's checkpoint covers `count` of them (at most 5 s). */
async function recordsOf(gw: TestGateway, decisionId: string | null | undefined, count = 2): Promise<AuditRecordV1[]> {
  assert.ok(decisionId, 'the answer names its decision');
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = ledger(gw).filter((r) => r.decision_id === decisionId);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function pairOf(gw: TestGateway, decisionId: string | null | undefined): Promise<{ decision: AuditRecordV1; outcome: AuditRecordV1 }> {
  const records = await recordsOf(gw, decisionId);
  const decision = records.find((r) => r.phase === 'decision');
  const outcome = records.find((r) => r.phase === 'outcome');
  assert.ok(decision && outcome, `both records of ${String(decisionId)} are in the ledger`);
  return { decision, outcome };
}

describe('redaction and answer guarding through the gateway', () => {
  let upstream: FakeOpenAI;
  let toolUpstream: { baseUrl: string; close: () => Promise<void> };
  let reversible: TestGateway;
  let plain: TestGateway;
  let immediate: TestGateway;
  let bundleDir: string;

  before(async () => {
    upstream = await startFakeOpenAI({ answer: answerFor, chunkChars: 3 });
    toolUpstream = await startToolCallingUpstream();
    const bundle = await buildSignedFixtureBundle({ 'request.rego': REQUEST_REGO, 'response.rego': RESPONSE_REGO });
    const configure = (restore: boolean, release: 'after_scan' | 'immediate' = 'after_scan') => (config: Record<string, unknown>): void => {
      const dir = config['audit'] as { ledger: { dir: string } };
      bundleDir = join(dir.ledger.dir, '..');
      const path = join(bundleDir, 'redaction-bundle.tar.gz');
      writeFileSync(path, bundle);
      writeFileSync(join(bundleDir, 'openai.key'), 'sk-upstream-test\n');
      (config['policy'] as Record<string, unknown>)['bundle'] = path;
      config['providers'] = [
        { name: 'echo', type: 'echo' },
        { name: 'openai', type: 'openai', base_url: upstream.baseUrl, api_key_file: join(bundleDir, 'openai.key'), timeout_ms: 5000 },
        { name: 'tools', type: 'openai', base_url: toolUpstream.baseUrl, api_key_file: join(bundleDir, 'openai.key'), timeout_ms: 5000 },
      ];
      config['models'] = [
        { name: 'echo', provider: 'echo' },
        { name: 'gpt', provider: 'openai', upstream_model: 'gpt-4o-mini' },
        { name: 'gpt-tools', provider: 'tools', upstream_model: 'gpt-4o-mini' },
      ];
      config['redaction'] = { restore, hash_key_file: join(bundleDir, 'hash.key') };
      config['answers'] = { stream_release: release };
      (config['audit'] as { ledger: Record<string, unknown> }).ledger['checkpoint_interval_ms'] = 10;
      config['classify'] = { custom_classes: [{ name: 'EMPLOYEE_ID', labels: ['PII'], patterns: [{ regex: 'EMP-[0-9]{6}', score: 0.9 }] }] };
      writeFileSync(join(bundleDir, 'hash.key'), 'a-hash-key-of-sufficient-length\n');
    };
    reversible = await startTestGateway(configure(true));
    plain = await startTestGateway(configure(false));
    immediate = await startTestGateway(configure(false, 'immediate'));
  });
  after(async () => {
    await reversible?.close();
    await plain?.close();
    await immediate?.close();
    await upstream?.close();
    await toolUpstream?.close();
  });

  it('forwards the prompt redacted and, in reversible mode, returns the answer restored', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${reversible.url}/v1`, maxRetries: 0 });
    const { data: res, response } = await client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: `My SSN is ${SSN}, mail ${EMAIL}, card 4111 1111 1111 1111.` }] }).withResponse();
    const sent = (upstream.received.at(-1)!.body['messages'] as { content: string }[])[0]!.content;
    assert.ok(!sent.includes(SSN) && !sent.includes(EMAIL) && !sent.includes('4111 1111'), sent);
    assert.match(sent, /^My SSN is <US_SSN_1>, mail \*\*\*@\*+e\.com, card <CREDIT_CARD#[0-9a-f]{16}>\.$/);
    // The placeholder comes back as the value; the mask and the hash are one-way.
    const answer = res.choices[0]!.message.content!;
    assert.ok(answer.startsWith(`You wrote: My SSN is ${SSN}, mail ***@`), answer);
    assert.ok(!answer.includes(EMAIL) && !answer.includes('<US_SSN_1>'), answer);

    const id = response.headers.get('x-palisade-decision-id');
    const { decision, outcome } = await pairOf(reversible, id);
    assert.deepEqual(decision.redaction, { operators: { US_SSN: 'placeholder', EMAIL_ADDRESS: 'mask', CREDIT_CARD: 'hash', EMPLOYEE_ID: 'remove' }, redacted: { US_SSN: 1, EMAIL_ADDRESS: 1, CREDIT_CARD: 1 } });
    assert.equal(outcome.redaction?.restored, 1);
    assert.equal(outcome.policy?.entrypoint, 'palisade/response/decision');
    assert.equal(outcome.policy?.allow, true);
    assert.ok(outcome.classification, 'the answer is classified on record');
    // Nothing of the values sits in a ledger entry.
    const leaves = JSON.stringify(await recordsOf(reversible, id));
    assert.ok(!leaves.includes(SSN) && !leaves.includes(EMAIL), 'no value in the ledger');
  });

  it('redacts a custom class declared in the configuration like a built-in type', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${plain.url}/v1`, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'Badge EMP-123456 is lost.' }] }).withResponse();
    const sent = (upstream.received.at(-1)!.body['messages'] as { content: string }[])[0]!.content;
    assert.equal(sent, 'Badge  is lost.');
    const { decision } = await pairOf(plain, response.headers.get('x-palisade-decision-id'));
    assert.deepEqual(decision.classification?.entities['EMPLOYEE_ID'], { count: 1, max_score: 0.9, fields: ['messages.*.content'] });
    assert.deepEqual(decision.redaction?.redacted, { EMPLOYEE_ID: 1 });
  });

  it('restores placeholders split across three-character stream chunks', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${reversible.url}/v1`, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt', stream: true, messages: [{ role: 'user', content: `Twice: ${SSN} and again ${SSN}.` }] }).withResponse();
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, `You wrote: Twice: ${SSN} and again ${SSN}.`);
    assert.ok(chunks > 5, `the answer still streams (${chunks} chunks)`);
    const { outcome } = await pairOf(reversible, response.headers.get('x-palisade-decision-id'));
    assert.equal(outcome.redaction?.restored, 2);
  });

  it('shows the redacted prompt on the echo model when not reversible, for the Anthropic client too', async () => {
    const client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: plain.url, maxRetries: 0 });
    const msg = await client.messages.create({ model: 'echo', max_tokens: 100, messages: [{ role: 'user', content: `ssn ${SSN}` }] });
    const block = msg.content[0];
    assert.equal(block?.type === 'text' ? block.text : '', 'user: ssn <US_SSN_1>');

    const stream = client.messages.stream({ model: 'echo', max_tokens: 100, messages: [{ role: 'user', content: `ssn ${SSN}` }] });
    const final = await stream.finalMessage();
    const streamed = final.content[0];
    assert.equal(streamed?.type === 'text' ? streamed.text : '', 'user: ssn <US_SSN_1>');
  });

  it('restores answers for the Anthropic client, whole and streamed', async () => {
    const client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: reversible.url, maxRetries: 0 });
    const msg = await client.messages.create({ model: 'echo', max_tokens: 100, messages: [{ role: 'user', content: `ssn ${SSN}` }] });
    const block = msg.content[0];
    assert.equal(block?.type === 'text' ? block.text : '', `user: ssn ${SSN}`);
    const final = await client.messages.stream({ model: 'echo', max_tokens: 100, messages: [{ role: 'user', content: `ssn ${SSN}` }] }).finalMessage();
    const streamed = final.content[0];
    assert.equal(streamed?.type === 'text' ? streamed.text : '', `user: ssn ${SSN}`);
  });

  it('restores the Responses API stream, deltas and the completed response alike', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${reversible.url}/v1`, maxRetries: 0 });
    const stream = await client.responses.create({ model: 'echo', input: `ssn ${SSN}`, stream: true });
    let deltas = '';
    let completed = '';
    let done = '';
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') deltas += ev.delta;
      if (ev.type === 'response.output_text.done') done = ev.text;
      if (ev.type === 'response.completed') {
        for (const item of ev.response.output) if (item.type === 'message') for (const part of item.content) if (part.type === 'output_text') completed += part.text;
      }
    }
    assert.equal(deltas, `user: ssn ${SSN}`);
    assert.equal(done, deltas);
    assert.equal(completed, deltas);
    const whole = await client.responses.create({ model: 'echo', input: `ssn ${SSN}` });
    assert.equal(whole.output_text, `user: ssn ${SSN}`);
  });

  it('withholds an answer holding a secret, with the reason, and records the block', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${plain.url}/v1`, maxRetries: 0 });
    let id: string | null | undefined;
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'please leak it' }] }),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.PermissionDeniedError, String(err));
        id = err.headers?.get('x-palisade-decision-id');
        const body = err.error as { code?: string; palisade_code?: string; message?: string };
        assert.equal(body.palisade_code, 'GW_ERR_RESPONSE_BLOCKED');
        assert.match(body.message ?? '', /The answer contains a secret/);
        assert.ok(!JSON.stringify(err.error).includes(TOKEN));
        return true;
      },
    );
    const { outcome } = await pairOf(plain, id);
    assert.equal(outcome.policy?.allow, false);
    assert.deepEqual(outcome.policy?.reasons.map((r) => r.code), ['secret_in_response']);
    assert.equal(outcome.outcome?.error?.code, 'GW_ERR_RESPONSE_BLOCKED');
    assert.ok(outcome.classification?.labels.includes('SECRET'));
  });

  it('ends a stream with an error event before any part of a secret is sent', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${plain.url}/v1`, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'leak it slowly' }] }).withResponse();
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError, String(err));
        assert.match(err.message, /withheld by policy|contains a secret/);
        return true;
      },
    );
    assert.ok(!text.includes('ghp_'), `no part of the token reached the caller: ${text}`);
    const { outcome } = await pairOf(plain, response.headers.get('x-palisade-decision-id'));
    assert.equal(outcome.outcome?.error?.code, 'GW_ERR_RESPONSE_BLOCKED');
    assert.equal(outcome.policy?.allow, false);
  });

  it('withholds a tool call whose arguments hold a secret, whole and streamed', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${plain.url}/v1`, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'clone the repo' }];
    await assert.rejects(client.chat.completions.create({ model: 'gpt-tools', messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.PermissionDeniedError, String(err));
      assert.ok(!JSON.stringify(err.error).includes('ghp_'));
      return true;
    });
    const stream = await client.chat.completions.create({ model: 'gpt-tools', stream: true, messages });
    let args = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      })(),
      (err: unknown) => err instanceof OpenAI.APIError && /withheld by policy|contains a secret/.test(err.message),
    );
    assert.ok(!args.includes('ghp_'), `no part of the token reached the caller: ${args}`);
  });

  it('in immediate mode, passes text as it comes and still ends the stream when the answer is blocked', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${immediate.url}/v1`, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'leak it now' }] }).withResponse();
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
      (err: unknown) => err instanceof OpenAI.APIError && /withheld by policy|contains a secret/.test(err.message),
    );
    // Unlike the default mode, what came before the block has already been sent.
    assert.ok(text.startsWith(FILLER), text);
    const { outcome } = await pairOf(immediate, response.headers.get('x-palisade-decision-id'));
    assert.equal(outcome.outcome?.error?.code, 'GW_ERR_RESPONSE_BLOCKED');
  });

  it('applies the response decision\'s redact to the answer, whole and streamed', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${plain.url}/v1`, maxRetries: 0 });
    const { data: res, response } = await client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'the phone number?' }] }).withResponse();
    const answer = res.choices[0]!.message.content!;
    assert.ok(!answer.includes(PHONE), answer);
    assert.match(answer, /^Call the desk on \+\* \*\*\* \*\*\* 0142 today\.$/);
    assert.deepEqual((await pairOf(plain, response.headers.get('x-palisade-decision-id'))).outcome.redaction, { operators: { PHONE_NUMBER: 'mask' }, redacted: { PHONE_NUMBER: 1 } });

    const stream = await client.chat.completions.create({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'the phone number?' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, answer);
  });

  it('refuses a prompt whose redaction would break a tool call, and forwards nothing', async () => {
    const client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: plain.url, maxRetries: 0 });
    const before = upstream.received.length;
    let id: string | null | undefined;
    await assert.rejects(
      client.messages.create({
        model: 'gpt',
        max_tokens: 50,
        messages: [
          { role: 'user', content: 'pay it' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'pay', input: { card: 4111111111111111 } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }] },
        ],
      }),
      (err: unknown) => {
        assert.ok(err instanceof Anthropic.BadRequestError, String(err));
        id = err.headers?.get('x-palisade-decision-id');
        assert.match(JSON.stringify(err.error), /GW_ERR_REDACTION_FAILED/);
        return true;
      },
    );
    assert.equal(upstream.received.length, before);
    const [decision] = await recordsOf(plain, id, 1);
    assert.equal(decision?.phase, 'decision');
    assert.equal(decision.error?.code, 'GW_ERR_REDACTION_FAILED');
  });
});
