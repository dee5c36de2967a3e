// Reads the parts of an OpenAI chat request that later stages need: message texts and sizes.
import { GatewayError } from '../errors.js';
import type { ChatBody } from '../providers/types.js';

export interface PromptSummary {
  messages: number;
  roles: string[];
  chars: number;
  estimated_tokens: number;
}

/** Checks the request shape the gateway relies on; everything else passes through to the provider. */
export function parseChatBody(body: unknown): ChatBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: 'The body must be a JSON object.' });
  }
  const b = body as Record<string, unknown>;
  if (typeof b['model'] !== 'string' || b['model'] === '') throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: '"model" must be a non-empty string.' });
  const messages = b['messages'];
  if (!Array.isArray(messages) || messages.length === 0) throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: '"messages" must be a non-empty array.' });
  messages.forEach((m: unknown, i) => {
    if (m === null || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string') {
      throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: `messages[${i}] must be an object with a string "role".` });
    }
  });
  if (b['stream'] !== undefined && typeof b['stream'] !== 'boolean') throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: '"stream" must be a boolean.' });
  return b as ChatBody;
}

function partText(part: unknown): string {
  if (part !== null && typeof part === 'object') {
    const p = part as { type?: unknown; text?: unknown };
    if (typeof p.text === 'string') return p.text;
  }
  return '';
}

/** Every piece of text a person or tool put into the prompt, in message order. */
export function messageTexts(body: ChatBody): string[] {
  const out: string[] = [];
  for (const m of body.messages as { content?: unknown; tool_calls?: unknown }[]) {
    const c = m.content;
    if (typeof c === 'string') out.push(c);
    else if (Array.isArray(c)) for (const part of c) out.push(partText(part));
    if (Array.isArray(m.tool_calls)) {
      for (const call of m.tool_calls as { function?: { arguments?: unknown } }[]) {
        if (typeof call?.function?.arguments === 'string') out.push(call.function.arguments);
      }
    }
  }
  return out;
}

export function summarisePrompt(body: ChatBody, texts: readonly string[]): PromptSummary {
  const roles = new Set<string>();
  for (const m of body.messages as { role: string }[]) roles.add(m.role);
  let chars = 0;
  for (const t of texts) chars += t.length;
  // About four characters per token for English text; a pre-flight estimate only.
  return { messages: body.messages.length, roles: [...roles].sort(), chars, estimated_tokens: Math.ceil(chars / 4) };
}
