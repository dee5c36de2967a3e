// Google Gemini generateContent / streamGenerateContent <-> the neutral chat exchange (AI Studio
// and Vertex AI share the body format). Gemini is only ever a provider here.
import type { SseEvent } from '../sse.js';
import { upstreamError } from '../upstream-error.js';
import { parseArguments, refuseSettings, settingRefusal, toolNamesById, type ChatAnswer, type ChatEvent, type ChatPart, type ChatRequest, type StopReason } from './chat-model.js';
import { arr, assignDefined, isObject, num, obj, str, unsupported, type Json } from './json-shapes.js';

/** JSON Schema keywords Gemini's OpenAPI-subset schema accepts; others are dropped. */
const SCHEMA_KEYS = new Set(['type', 'format', 'description', 'nullable', 'enum', 'properties', 'required', 'items', 'anyOf', 'minItems', 'maxItems', 'minimum', 'maximum', 'title', 'propertyOrdering']);

export function geminiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(geminiSchema);
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (!SCHEMA_KEYS.has(k)) continue;
    if (k === 'properties' && isObject(v)) {
      const props: Json = {};
      for (const [name, sub] of Object.entries(v)) props[name] = geminiSchema(sub);
      out[k] = props;
    } else out[k] = geminiSchema(v);
  }
  return out;
}

const TARGET = 'gemini';

/**
 * Gemini's thought signature rides in the tool call id the caller sees, so that it comes back
 * beside its function call on the next turn without the gateway keeping any state.
 */
const SIGNATURE_MARK = '__ts_';

export function callIdWithSignature(id: string, signature: string | undefined): string {
  return signature === undefined ? id : `${id}${SIGNATURE_MARK}${Buffer.from(signature, 'base64').toString('base64url')}`;
}

function signatureOfCallId(id: string): string | undefined {
  const at = id.indexOf(SIGNATURE_MARK);
  return at < 0 ? undefined : Buffer.from(id.slice(at + SIGNATURE_MARK.length), 'base64url').toString('base64');
}

function parts(list: readonly ChatPart[], names: Map<string, string>): Json[] {
  const out: Json[] = [];
  for (const p of list) {
    if (p.type === 'text') {
      if (p.text !== '') out.push({ text: p.text });
    } else if (p.type === 'image') {
      if (p.data === undefined) throw unsupported('Gemini takes images as inline data only.');
      out.push({ inlineData: { mimeType: p.mediaType ?? 'image/png', data: p.data } });
    } else if (p.type === 'tool_call') {
      out.push(assignDefined({ functionCall: { name: p.name, args: parseArguments(p.arguments) } }, { thoughtSignature: signatureOfCallId(p.id) }));
    } else if (p.type === 'tool_result') {
      // Gemini matches a result to its call by function name, not by id.
      out.push({ functionResponse: { name: names.get(p.toolCallId) ?? p.toolCallId, response: { content: p.content } } });
    }
    // Thinking blocks are another model family's reasoning; Gemini cannot take them back.
  }
  return out;
}

/** Thinking budgets for OpenAI's effort levels, as Google's OpenAI compatibility documents them. */
const THINKING_BUDGETS: Partial<Record<string, number>> = { none: 0, low: 1024, medium: 8192, high: 24576 };

export function geminiRequestFromChat(req: ChatRequest): Json {
  refuseSettings(req, ['user', 'safetyIdentifier', 'metadata', 'store', 'promptCacheKey', 'verbosity', 'parallelToolCalls'], TARGET);
  // Gemini's standard tier is the only one generateContent asks for.
  if (req.serviceTier !== undefined && req.serviceTier !== 'standard') throw settingRefusal(req, 'serviceTier', TARGET);
  const names = toolNamesById(req.messages);
  const body: Json = { contents: req.messages.map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: parts(m.parts, names) })) };
  if (req.system.length > 0) body['systemInstruction'] = { parts: req.system.map((text) => ({ text })) };
  const config = assignDefined({}, {
    maxOutputTokens: req.maxTokens,
    temperature: req.temperature,
    topP: req.topP,
    topK: req.topK,
    stopSequences: req.stop,
    seed: req.seed,
    frequencyPenalty: req.frequencyPenalty,
    presencePenalty: req.presencePenalty,
  });
  if (req.json) {
    config['responseMimeType'] = 'application/json';
    // The JSON Schema as written: responseSchema's dialect would lose keywords.
    if (req.json.schema) config['responseJsonSchema'] = req.json.schema;
  }
  if (req.reasoningEffort !== undefined) {
    const budget = THINKING_BUDGETS[req.reasoningEffort];
    if (budget === undefined) throw settingRefusal(req, 'reasoningEffort', TARGET);
    config['thinkingConfig'] = { thinkingBudget: budget };
  }
  if (req.thinkingBudget !== undefined) config['thinkingConfig'] = { thinkingBudget: req.thinkingBudget };
  if (Object.keys(config).length > 0) body['generationConfig'] = config;
  if (req.tools.length > 0) {
    body['tools'] = [{ functionDeclarations: req.tools.map((t) => assignDefined({ name: t.name, parameters: geminiSchema(t.parameters) }, { description: t.description })) }];
    const tc = req.toolChoice;
    if (tc !== undefined) {
      const mode = tc === 'auto' ? 'AUTO' : tc === 'none' ? 'NONE' : 'ANY';
      const fc: Json = { mode };
      if (typeof tc === 'object') fc['allowedFunctionNames'] = [tc.name];
      body['toolConfig'] = { functionCallingConfig: fc };
    }
  }
  return body;
}

export function stopFromGemini(reason: unknown, calledTools: boolean): StopReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason === 'SAFETY' || reason === 'RECITATION' || reason === 'BLOCKLIST' || reason === 'PROHIBITED_CONTENT' || reason === 'SPII') return 'content_filter';
  return calledTools ? 'tool_calls' : 'stop';
}

interface CandidateParts {
  text: string;
  calls: { name: string; args: unknown; id?: string; signature?: string }[];
  finish: unknown;
}

function readCandidate(body: Json): CandidateParts {
  const cand = obj(arr(body['candidates'])[0]);
  let text = '';
  const calls: CandidateParts['calls'] = [];
  for (const raw of arr(obj(cand['content'])['parts'])) {
    const p = obj(raw);
    // Parts marked `thought` are the model's reasoning summary, not its answer.
    if (typeof p['text'] === 'string' && p['thought'] !== true) text += p['text'];
    const fc = obj(p['functionCall']);
    if (typeof fc['name'] === 'string') {
      const call: CandidateParts['calls'][number] = { name: fc['name'], args: fc['args'] ?? {} };
      const id = str(fc['id']);
      if (id !== undefined) call.id = id;
      const signature = str(p['thoughtSignature']);
      if (signature !== undefined) call.signature = signature;
      calls.push(call);
    }
  }
  return { text, calls, finish: cand['finishReason'] };
}

function usageOf(body: Json): { input: number; output: number } | undefined {
  const u = obj(body['usageMetadata']);
  const input = num(u['promptTokenCount']);
  const output = (num(u['candidatesTokenCount']) ?? 0) + (num(u['thoughtsTokenCount']) ?? 0);
  return input === undefined ? undefined : { input, output };
}

export function chatAnswerFromGemini(body: unknown, id: string, model: string, newCallId: () => string): ChatAnswer {
  const b = obj(body);
  const c = readCandidate(b);
  const out: ChatPart[] = [];
  if (c.text !== '') out.push({ type: 'text', text: c.text });
  for (const call of c.calls) out.push({ type: 'tool_call', id: callIdWithSignature(call.id ?? newCallId(), call.signature), name: call.name, arguments: JSON.stringify(call.args) });
  const answer: ChatAnswer = { id: str(b['responseId']) ?? id, model: str(b['modelVersion']) ?? model, parts: out, stop: stopFromGemini(c.finish, c.calls.length > 0) };
  const usage = usageOf(b);
  if (usage) answer.usage = usage;
  return answer;
}

/** Reads a streamGenerateContent?alt=sse answer as neutral events. */
export async function* decodeGeminiStream(events: AsyncIterable<SseEvent>, provider: string, id: string, model: string, newCallId: () => string): AsyncGenerator<ChatEvent> {
  let started = false;
  let finish: unknown;
  let calledTools = false;
  let tools = 0;
  let usage: { input: number; output: number } | undefined;
  for await (const ev of events) {
    let chunk: Json;
    try {
      chunk = obj(JSON.parse(ev.data));
    } catch (cause) {
      throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider, retryable: false, cause });
    }
    if (isObject(chunk['error'])) throw upstreamError('GW_ERR_UPSTREAM_STATUS', { provider, retryable: false });
    if (!started) {
      started = true;
      const start: ChatEvent = { type: 'start', id: str(chunk['responseId']) ?? id, model: str(chunk['modelVersion']) ?? model };
      // Gemini reports the prompt's size on every chunk, so callers can have it up front.
      const input = num(obj(chunk['usageMetadata'])['promptTokenCount']);
      if (input !== undefined) start.inputTokens = input;
      yield start;
    }
    const c = readCandidate(chunk);
    if (c.text !== '') yield { type: 'text', text: c.text };
    for (const call of c.calls) {
      calledTools = true;
      const index = tools++;
      yield { type: 'tool_start', index, id: callIdWithSignature(call.id ?? newCallId(), call.signature), name: call.name };
      yield { type: 'tool_args', index, json: JSON.stringify(call.args) };
    }
    if (c.finish !== undefined && c.finish !== null) finish = c.finish;
    usage = usageOf(chunk) ?? usage;
  }
  // The SSE body simply ends; a finish reason is what says the answer is whole.
  if (finish === undefined) return;
  if (usage) yield { type: 'usage', input: usage.input, output: usage.output };
  yield { type: 'stop', reason: stopFromGemini(finish, calledTools) };
  yield { type: 'done' };
}
