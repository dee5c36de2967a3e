// Shared set-up for identity tests: a gateway trusting the test issuer, forwarding `gpt-test` to a
// fake OpenAI upstream, and reading the audit ledger back once the gateway has closed.
import { rmSync } from 'node:fs';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { startTestGateway, readGatewayRecords, type TestGateway } from '../../support/gateway.js';
import type { FakeOpenAI } from '../../support/fake-openai.js';
import { AUDIENCE, GATEWAY_CLIENT, type TestIdp } from './idp.js';

export type Json = Record<string, unknown>;

/** An `identity.oidc` entry for the test issuer; `extra` overrides or adds properties. */
export function issuerEntry(idp: TestIdp, extra: Json = {}): Json {
  return { issuer: idp.issuer, client_id: GATEWAY_CLIENT.client_id, audience: AUDIENCE, allow_insecure_http: true, clock_tolerance_s: 5, ...extra };
}

export interface IdentityGateway extends TestGateway {
  /** Stops the gateway (flushing the ledger) and returns every audit record, then removes its files. */
  stopAndReadLedger(): Promise<AuditRecordV1[]>;
}

/** `policyBundle` replaces the committed bundle (a fixture built with the real opa). */
export async function startIdentityGateway(upstream: FakeOpenAI, patchIdentity: (identity: Json) => void, policyBundle?: string): Promise<IdentityGateway> {
  const gw = await startTestGateway((c) => {
    patchIdentity(c['identity'] as Json);
    if (policyBundle !== undefined) (c['policy'] as Json)['bundle'] = policyBundle;
    (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
    (c['models'] as unknown[]).push({ name: 'gpt-test', provider: 'upstream' });
  });
  let stopped = false;
  return {
    ...gw,
    async close() {
      if (!stopped) await gw.gateway.close();
      rmSync(gw.dir, { recursive: true, force: true });
    },
    async stopAndReadLedger() {
      stopped = true;
      await gw.gateway.close();
      const records = readGatewayRecords(gw);
      rmSync(gw.dir, { recursive: true, force: true });
      return records;
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

/** A chat completion request with raw headers, for credentials an SDK would not send. */
export async function chat(url: string, headers: Record<string, string>, content = 'Draft a memo.'): Promise<Answer> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content }] }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

export function errorOf(answer: Answer): { palisade_code?: string; message?: string; decision_id?: string } {
  return (answer.body['error'] ?? {}) as { palisade_code?: string; message?: string; decision_id?: string };
}

/** The decision record of a request, by the id the gateway answered with. */
export function recordOf(records: readonly AuditRecordV1[], decisionId: string | null): AuditRecordV1 | undefined {
  return records.find((r) => r.decision_id === decisionId && r.phase === 'decision');
}
