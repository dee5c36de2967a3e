// AWS Bedrock Converse / ConverseStream <-> the neutral chat exchange. Bedrock is only ever a
// provider here, so this side translates requests out and answers in.
import type { EventStreamMessage } from '../aws/event-stream.js';
import { upstreamError } from '../upstream-error.js';
import { jsonInstruction, parseArguments, refuseSettings, settingRefusal, type ChatAnswer, type ChatEvent, type ChatPart, type ChatRequest, type StopReason } from './chat-model.js';
import { arr, assignDefined, num, obj, str, unsupported, type Json } from './json-shapes.js';

const IMAGE_FORMATS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

const TARGET = 'bedrock';

function blocks(parts: readonly ChatPart[]): Json[] {
  const out: Json[] = [];
  // Claude on Bedrock wants its earlier reasoning first in an assistant turn, signature and all.
  for (const p of parts) {
    if (p.type === 'thinking') {
      out.push({ reasoningContent: p.redacted !== undefined ? { redactedContent: p.redacted } : { reasoningText: assignDefined({ text: p.text }, { signature: p.signature }) } });
    }
  }
  for (const p of parts) {
    if (p.type === 'tool_result') out.push({ toolResult: { toolUseId: p.toolCallId, content: [{ text: p.content }], status: p.isError ? 'error' : 'success' } });
  }
  for (const p of parts) {
    if (p.type === 'text') {
      if (p.text !== '') out.push({ text: p.text });
    } else if (p.type === 'image') {
      const format = IMAGE_FORMATS[p.mediaType ?? ''];
      if (p.data === undefined || format === undefined) throw unsupported('Bedrock takes images as inline png, jpeg, gif or webp bytes only.');
      out.push({ image: { format, source: { bytes: p.data } } });
    } else if (p.type === 'tool_call') {
      out.push({ toolUse: { toolUseId: p.id, name: p.name, input: parseArguments(p.arguments) } });
    }
  }
  return out;
}

export function bedrockRequestFromChat(req: ChatRequest): Json {
  refuseSettings(req, ['seed', 'frequencyPenalty', 'presencePenalty', 'parallelToolCalls', 'reasoningEffort', 'store', 'promptCacheKey', 'verbosity'], TARGET);
  // Bedrock's standard tier is the only one Converse asks for.
  if (req.serviceTier !== undefined && req.serviceTier !== 'standard') throw settingRefusal(req, 'serviceTier', TARGET);
  const system = [...req.system];
  // Converse has no JSON mode; the schema travels as an instruction.
  if (req.json) system.push(jsonInstruction(req.json));
  const body: Json = { messages: req.messages.map((m) => ({ role: m.role, content: blocks(m.parts) })) };
  if (system.length > 0) body['system'] = system.map((text) => ({ text }));
  const inference = assignDefined({}, { maxTokens: req.maxTokens, temperature: req.temperature, topP: req.topP, stopSequences: req.stop });
  if (Object.keys(inference).length > 0) body['inferenceConfig'] = inference;
  // Model-specific settings, in the names Anthropic's models on Bedrock document.
  const extra = assignDefined({}, { top_k: req.topK, thinking: req.thinkingBudget !== undefined ? { type: 'enabled', budget_tokens: req.thinkingBudget } : undefined });
  if (Object.keys(extra).length > 0) body['additionalModelRequestFields'] = extra;
  const metadata = assignDefined({ ...req.metadata }, { user: req.user, safety_identifier: req.safetyIdentifier });
  if (Object.keys(metadata).length > 0) body['requestMetadata'] = metadata;
  if (req.tools.length > 0) {
    const toolConfig: Json = {
      tools: req.tools.map((t) => ({ toolSpec: assignDefined({ name: t.name, inputSchema: { json: t.parameters } }, { description: t.description }) })),
    };
    const tc = req.toolChoice;
    if (tc === 'auto') toolConfig['toolChoice'] = { auto: {} };
    else if (tc === 'required') toolConfig['toolChoice'] = { any: {} };
    // Converse cannot forbid tool use while offering tools.
    else if (tc === 'none') throw settingRefusal(req, 'toolChoice', TARGET);
    else if (tc !== undefined) toolConfig['toolChoice'] = { tool: { name: tc.name } };
    body['toolConfig'] = toolConfig;
  }
  return body;
}

export function stopFromBedrock(reason: unknown): StopReason {
  if (reason === 'max_tokens' || reason === 'model_context_window_exceeded') return 'length';
  if (reason === 'tool_use') return 'tool_calls';
  if (reason === 'guardrail_intervened' || reason === 'content_filtered') return 'content_filter';
  return 'stop';
}

export function chatAnswerFromBedrock(body: unknown, id: string, model: string): ChatAnswer {
  const b = obj(body);
  const parts: ChatPart[] = [];
  for (const raw of arr(obj(obj(b['output'])['message'])['content'])) {
    const c = obj(raw);
    if (typeof c['text'] === 'string') parts.push({ type: 'text', text: c['text'] });
    const reasoning = obj(c['reasoningContent']);
    const said = obj(reasoning['reasoningText']);
    if (typeof said['text'] === 'string') parts.push(assignDefined({ type: 'thinking', text: said['text'] }, { signature: str(said['signature']) }) as ChatPart);
    else if (typeof reasoning['redactedContent'] === 'string') parts.push({ type: 'thinking', text: '', redacted: reasoning['redactedContent'] });
    const use = obj(c['toolUse']);
    if (typeof use['name'] === 'string') parts.push({ type: 'tool_call', id: str(use['toolUseId']) ?? '', name: use['name'], arguments: JSON.stringify(use['input'] ?? {}) });
  }
  const answer: ChatAnswer = { id, model, parts, stop: stopFromBedrock(b['stopReason']) };
  const u = obj(b['usage']);
  const input = num(u['inputTokens']);
  const output = num(u['outputTokens']);
  if (input !== undefined || output !== undefined) answer.usage = { input: input ?? 0, output: output ?? 0 };
  return answer;
}

/** Bedrock's exception names that are worth another try, and the code each maps to. */
function exceptionError(provider: string, type: string): Error {
  if (type === 'throttlingException') return upstreamError('GW_ERR_UPSTREAM_RATE_LIMITED', { provider, status: 429, retryable: true });
  const retryable = type === 'internalServerException' || type === 'serviceUnavailableException' || type === 'modelNotReadyException';
  return upstreamError('GW_ERR_UPSTREAM_STATUS', { provider, retryable });
}

/** Reads a ConverseStream answer as neutral events. */
export async function* decodeBedrockStream(messages: AsyncIterable<EventStreamMessage>, provider: string, id: string, model: string): AsyncGenerator<ChatEvent> {
  const decoder = new TextDecoder();
  const toolIndexByBlock = new Map<number, number>();
  let started = false;
  let stopped = false;
  for await (const m of messages) {
    const kind = m.headers[':message-type'];
    if (kind === 'exception' || kind === 'error') {
      const type = String(m.headers[':exception-type'] ?? m.headers[':error-code'] ?? 'unknown');
      throw exceptionError(provider, type);
    }
    let payload: Json;
    try {
      payload = obj(JSON.parse(decoder.decode(m.payload)));
    } catch (cause) {
      throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider, retryable: false, cause });
    }
    if (!started) {
      started = true;
      yield { type: 'start', id, model };
    }
    switch (m.headers[':event-type']) {
      case 'contentBlockStart': {
        const use = obj(obj(payload['start'])['toolUse']);
        if (typeof use['name'] === 'string') {
          const index = toolIndexByBlock.size;
          toolIndexByBlock.set(num(payload['contentBlockIndex']) ?? 0, index);
          yield { type: 'tool_start', index, id: str(use['toolUseId']) ?? '', name: use['name'] };
        }
        break;
      }
      case 'contentBlockDelta': {
        const delta = obj(payload['delta']);
        const text = str(delta['text']);
        if (text) yield { type: 'text', text };
        const input = str(obj(delta['toolUse'])['input']);
        const index = toolIndexByBlock.get(num(payload['contentBlockIndex']) ?? 0);
        if (input && index !== undefined) yield { type: 'tool_args', index, json: input };
        break;
      }
      case 'messageStop':
        stopped = true;
        yield { type: 'stop', reason: stopFromBedrock(payload['stopReason']) };
        break;
      case 'metadata': {
        const u = obj(payload['usage']);
        const usage: ChatEvent = { type: 'usage' };
        const input = num(u['inputTokens']);
        const output = num(u['outputTokens']);
        if (input !== undefined) usage.input = input;
        if (output !== undefined) usage.output = output;
        yield usage;
        break;
      }
      default:
        break;
    }
  }
  // Bedrock ends the HTTP body after messageStop and metadata; without messageStop it was cut short.
  if (stopped) yield { type: 'done' };
}
