// Decision vectors for the example policies: inputs as the gateway builds them, and the expected
// decisions. Used by the engine tests and by the WASM-versus-Rego parity test.
import type { PolicyKind } from '../../gateway/src/policy/index.js';

export interface DecisionVector {
  name: string;
  kind: PolicyKind;
  input: Record<string, unknown>;
  allow: boolean;
  codes: string[];
}

type Entities = Record<string, { count: number; max_score: number }>;

interface InputParts {
  roles?: string[];
  labels?: string[];
  entities?: Entities;
  injection?: { score: number; detected: boolean; signals: string[] };
  prompt?: boolean;
  /** For the response decision: what the classifier found in the answer. */
  answer?: { labels?: string[]; entities?: Entities };
}

export function decisionInput(parts: InputParts = {}): Record<string, unknown> {
  const input: Record<string, unknown> = {
    principal: { sub: 'user-1', iss: 'https://idp.example', tenant: 'acme', roles: parts.roles ?? ['analyst'], app: 'app-1', auth: 'api_key' },
    request: { api: 'openai.chat', route: '/v1/chat/completions', model: 'echo', stream: false },
    classification: {
      labels: parts.labels ?? [],
      entities: parts.entities ?? {},
      injection: parts.injection ?? { score: 0, detected: false, signals: [] },
    },
    context: { now: '2026-01-01T00:00:00.000Z', gateway_id: 'gw-1' },
  };
  if (parts.prompt !== false) input['prompt'] = { messages: 2, roles: ['system', 'user'], chars: 120, estimated_tokens: 30 };
  if (parts.answer) {
    input['response'] = {
      classification: { labels: parts.answer.labels ?? [], entities: parts.answer.entities ?? {}, injection: { score: 0, detected: false, signals: [] } },
      chars: 400,
      finish_reason: 'stop',
      usage: { prompt_tokens: 30, completion_tokens: 100, total_tokens: 130 },
    };
  }
  return input;
}

const ssn: Entities = { US_SSN: { count: 1, max_score: 1 } };
const card: Entities = { CREDIT_CARD: { count: 2, max_score: 1 } };
const injection = { score: 0.97, detected: true, signals: ['ignore_previous_instructions'] };
const privileged = ['analyst', 'pii-reader'];

export const VECTORS: readonly DecisionVector[] = [
  { name: 'clean prompt, analyst', kind: 'request', input: decisionInput(), allow: true, codes: [] },
  { name: 'SSN, analyst', kind: 'request', input: decisionInput({ labels: ['PII'], entities: ssn }), allow: false, codes: ['pii_requires_pii_reader'] },
  { name: 'credit card, analyst', kind: 'request', input: decisionInput({ labels: ['PII'], entities: card }), allow: false, codes: ['pii_requires_pii_reader'] },
  { name: 'SSN and card, analyst', kind: 'request', input: decisionInput({ labels: ['PII'], entities: { ...ssn, ...card } }), allow: false, codes: ['pii_requires_pii_reader'] },
  { name: 'SSN, pii-reader', kind: 'request', input: decisionInput({ roles: privileged, labels: ['PII'], entities: ssn }), allow: true, codes: [] },
  { name: 'email only, analyst', kind: 'request', input: decisionInput({ labels: ['PII'], entities: { EMAIL_ADDRESS: { count: 1, max_score: 0.9 } } }), allow: true, codes: [] },
  { name: 'injection, analyst', kind: 'request', input: decisionInput({ injection }), allow: false, codes: ['prompt_injection'] },
  { name: 'injection, pii-reader', kind: 'request', input: decisionInput({ roles: privileged, injection }), allow: false, codes: ['prompt_injection'] },
  { name: 'SSN and injection, analyst', kind: 'request', input: decisionInput({ labels: ['PII'], entities: ssn, injection }), allow: false, codes: ['pii_requires_pii_reader', 'prompt_injection'] },
  { name: 'no roles, SSN', kind: 'request', input: decisionInput({ roles: [], labels: ['PII'], entities: ssn }), allow: false, codes: ['pii_requires_pii_reader'] },
  { name: 'clean answer', kind: 'response', input: decisionInput({ answer: {} }), allow: true, codes: [] },
  { name: 'answer with SSN', kind: 'response', input: decisionInput({ answer: { labels: ['PII'], entities: ssn } }), allow: true, codes: [] },
  { name: 'answer with an API key', kind: 'response', input: decisionInput({ answer: { labels: ['SECRET'], entities: { SECRET_API_KEY: { count: 1, max_score: 0.9 } } } }), allow: false, codes: ['secret_in_response'] },
  { name: 'answer labelled SECRET', kind: 'response', input: decisionInput({ answer: { labels: ['SECRET'] } }), allow: false, codes: ['secret_in_response'] },
  { name: 'answer with a private key', kind: 'response', input: decisionInput({ answer: { entities: { PRIVATE_KEY: { count: 1, max_score: 1 } } } }), allow: false, codes: ['secret_in_response'] },
  { name: 'secret in the prompt, clean answer', kind: 'response', input: decisionInput({ labels: ['SECRET'], entities: { PRIVATE_KEY: { count: 1, max_score: 1 } }, answer: {} }), allow: true, codes: [] },
];
