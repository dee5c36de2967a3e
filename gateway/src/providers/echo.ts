// A local provider that answers with the messages it received, after redaction: it shows what a
// real provider would see, and lets the gateway run with no network. It answers every API the
// gateway serves, so both official SDKs work against a gateway with no provider at all.
import { createHash } from 'node:crypto';
import { estimateTokens } from '../tokens/estimate-tokens.js';
import type { Backend } from './translating-provider.js';
import type { ChatEvent, ChatMessage, ChatRequest, ChatResult } from './translate/chat-model.js';
import type { EmbedAnswer, EmbedRequest } from './translate/embeddings-codec.js';
import type { ProviderCall } from './types.js';

/** The largest embedding real providers return; echo never sizes a vector by the caller's number alone. */
export const ECHO_MAX_DIMENSIONS = 3072;

export interface EchoProviderOptions {
  name: string;
  newId: () => string;
}

function lineOf(m: ChatMessage): string {
  const text = m.parts.map((p) => (p.type === 'text' ? p.text : p.type === 'tool_result' ? p.content : '')).join('');
  const role = m.role === 'user' && m.parts.length > 0 && m.parts.every((p) => p.type === 'tool_result') ? 'tool' : m.role;
  return `${role}: ${text}`;
}

/** The echoed text: one line per message, `role: content`, system instructions first. */
export function echoText(req: Pick<ChatRequest, 'system' | 'messages'>): string {
  return [...req.system.map((s) => `system: ${s}`), ...req.messages.map(lineOf)].join('\n');
}

function promptTokens(req: ChatRequest): number {
  return Math.max(1, estimateTokens([...req.system, ...req.messages.map(lineOf)].join('\n')));
}

/** A deterministic unit vector from the text's SHA-256, so equal texts embed equally. */
function vectorOf(text: string, dimensions: number): number[] {
  const out: number[] = [];
  let block = createHash('sha256').update(text).digest();
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    if (i > 0 && i % 16 === 0) block = createHash('sha256').update(block).digest();
    const v = block.readUInt16BE((i % 16) * 2) / 65535 - 0.5;
    out.push(v);
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return out.map((v) => v * scale);
}

export function createEchoBackend(options: EchoProviderOptions): Backend {
  async function chat(req: ChatRequest, call: ProviderCall): Promise<ChatResult> {
    call.examine?.(req);
    const text = echoText(req);
    const usage = { input: promptTokens(req), output: Math.max(1, estimateTokens(text)) };
    const id = `echo-${options.newId()}`;
    if (!req.stream) return { kind: 'json', answer: { id, model: req.model, parts: [{ type: 'text', text }], stop: 'stop', usage } };
    async function* events(): AsyncGenerator<ChatEvent> {
      yield { type: 'start', id, model: req.model, inputTokens: usage.input };
      for (const piece of text.match(/\S+\s*|\s+/g) ?? []) yield { type: 'text', text: piece };
      yield { type: 'stop', reason: 'stop' };
      yield { type: 'usage', input: usage.input, output: usage.output };
      yield { type: 'done' };
    }
    return { kind: 'stream', events: events() };
  }

  async function embed(req: EmbedRequest, call: ProviderCall): Promise<EmbedAnswer> {
    call.examine?.(req);
    const dimensions = Math.max(1, Math.min(ECHO_MAX_DIMENSIONS, Math.floor(req.dimensions ?? 16)));
    return { vectors: req.inputs.map((t) => vectorOf(t, dimensions)), inputTokens: req.inputs.reduce((n, t) => n + estimateTokens(t), 0) };
  }

  return { name: options.name, type: 'echo', native: new Set(), chat, embed };
}
