// An alias is the caller's name for a model: answers name the alias they asked for, not the
// provider's model behind it, so a caller that compares or logs `model` sees its own choice.
// Answers to a model asked for by its own name keep what the provider said (a dated snapshot).
import type { SseEvent } from '../providers/sse.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The holder of `model` in an answer or stream event of any served API, if it has one. */
function holderOf(body: Json): Json | undefined {
  if (typeof body['model'] === 'string') return body;
  // Anthropic's message_start and the Responses API's response.* events nest the answer.
  for (const key of ['message', 'response']) {
    const inner = body[key];
    if (isObject(inner) && typeof inner['model'] === 'string') return inner;
  }
  return undefined;
}

/** A copy of a whole answer naming `alias` as its model. */
export function withCallerModel(body: unknown, alias: string): unknown {
  if (!isObject(body)) return body;
  const copy = structuredClone(body);
  const holder = holderOf(copy);
  if (holder) holder['model'] = alias;
  return copy;
}

/** The stream event naming `alias` as its model; events without one pass unchanged. */
export function eventWithCallerModel(ev: SseEvent, alias: string): SseEvent {
  if (!ev.data.includes('"model"')) return ev;
  let parsed: unknown;
  try {
    parsed = JSON.parse(ev.data);
  } catch {
    return ev;
  }
  if (!isObject(parsed)) return ev;
  const holder = holderOf(parsed);
  if (!holder) return ev;
  holder['model'] = alias;
  return { ...ev, data: JSON.stringify(parsed) };
}
