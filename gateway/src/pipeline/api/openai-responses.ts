// OpenAI's Responses API as the pipeline sees it (text in, text out): instructions and input
// items are the prompt; a streamed answer ends with response.completed (or .incomplete/.failed).
import { GatewayError } from '../../errors.js';
import { errorBody } from '../../http/error-body.js';
import { responsesText } from '../../providers/translate/responses-codec.js';
import { arr, isObject, obj, str, type Json } from '../../providers/translate/json-shapes.js';
import { collectTexts, replaceTexts, type TextVisitor, type TextWalk } from './text-slots.js';
import { inputOutputUsage as usageOf, type ApiAdapter, type ParsedRequest } from './types.js';
import { summariseWithTokens } from './prompt-estimate.js';

const SAFE_PARAMS = ['max_output_tokens', 'temperature', 'top_p'] as const;
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function bad(detail: string): GatewayError {
  return new GatewayError('GW_ERR_BAD_REQUEST', { detail });
}

/** Input parts whose words the gateway can read (images carry none); files and audio cannot be inspected. */
const INSPECTABLE_PARTS = new Set(['input_text', 'output_text', 'text', 'refusal', 'input_image']);

/** Visits a `content` (string or parts) held at `holder[key]`. */
function visitContent(holder: Json, key: string, visit: TextVisitor): void {
  const content = holder[key];
  if (typeof content === 'string') {
    const next = visit(content);
    if (next !== undefined) holder[key] = next;
    return;
  }
  for (const raw of arr(content)) {
    const p = obj(raw);
    if (typeof p['type'] === 'string' && !INSPECTABLE_PARTS.has(p['type'])) throw bad(`Input parts of type "${p['type']}" cannot be inspected, so the gateway does not forward them.`);
    const field = typeof p['text'] === 'string' ? 'text' : typeof p['refusal'] === 'string' ? 'refusal' : undefined;
    if (field === undefined) continue;
    const next = visit(p[field] as string);
    if (next !== undefined) p[field] = next;
  }
}

function visitField(holder: Json, key: string, visit: TextVisitor): void {
  const text = holder[key];
  if (typeof text !== 'string') return;
  const next = visit(text);
  if (next !== undefined) holder[key] = next;
}

/** Instructions, message texts, and tool outputs and arguments the caller sends back, in order. */
export const walkResponsesPrompt: TextWalk<Json> = (body, visit) => {
  visitField(body, 'instructions', visit);
  visitField(body, 'input', visit);
  for (const raw of arr(body['input'])) {
    const item = obj(raw);
    const type = item['type'] ?? 'message';
    if (type === 'message') visitContent(item, 'content', visit);
    else if (type === 'function_call_output') visitContent(item, 'output', visit);
    else if (type === 'function_call') visitField(item, 'arguments', visit);
    else if (type !== 'reasoning') {
      // Fail closed: item kinds the gateway cannot read (file searches, references to stored items) are refused.
      throw bad(`Input items of type "${String(type)}" cannot be inspected, so the gateway does not forward them.`);
    }
  }
};

/** The roles of the prompt's parts, for the policy's prompt summary. */
function promptRoles(body: Json): { role: string }[] {
  const roles: { role: string }[] = [];
  if (typeof body['instructions'] === 'string') roles.push({ role: 'system' });
  if (typeof body['input'] === 'string') roles.push({ role: 'user' });
  for (const raw of arr(body['input'])) {
    const item = obj(raw);
    const type = item['type'] ?? 'message';
    if (type === 'message') roles.push({ role: str(item['role']) ?? 'user' });
    else if (type === 'function_call_output') roles.push({ role: 'tool' });
    else if (type === 'function_call') roles.push({ role: 'assistant' });
  }
  return roles;
}

/** The output_text parts of the message items of a whole response. */
const walkResponsesAnswer: TextWalk<unknown> = (body, visit) => {
  for (const rawItem of arr(obj(body)['output'])) {
    const item = obj(rawItem);
    if (item['type'] !== 'message') continue;
    for (const rawPart of arr(item['content'])) {
      const part = obj(rawPart);
      if (part['type'] === 'output_text') visitField(part, 'text', visit);
    }
  }
};

/** Puts the whole rewritten answer into the first output_text of a message item (later ones emptied). */
function setItemText(item: Json, text: { value: string | undefined }): void {
  for (const rawPart of arr(item['content'])) {
    const part = obj(rawPart);
    if (part['type'] !== 'output_text' || typeof part['text'] !== 'string') continue;
    part['text'] = text.value ?? '';
    text.value = undefined;
  }
}

export function parseOpenAIResponses(body: unknown): ParsedRequest {
  if (!isObject(body)) throw bad('The body must be a JSON object.');
  if (typeof body['model'] !== 'string' || body['model'] === '') throw bad('"model" must be a non-empty string.');
  const input = body['input'];
  if (typeof input !== 'string' && !(Array.isArray(input) && input.length > 0)) throw bad('"input" must be a string or a non-empty array of input items.');
  if (body['stream'] !== undefined && typeof body['stream'] !== 'boolean') throw bad('"stream" must be a boolean.');
  if (body['instructions'] !== undefined && body['instructions'] !== null && typeof body['instructions'] !== 'string') throw bad('"instructions" must be a string.');
  // A stored earlier response is context the gateway never saw, so it could not have been inspected.
  if (body['previous_response_id'] !== undefined && body['previous_response_id'] !== null) throw bad('"previous_response_id" is not supported: send the conversation in "input".');
  const texts = collectTexts(body, walkResponsesPrompt);
  const roles = promptRoles(body);
  const params: Record<string, unknown> = {};
  for (const k of SAFE_PARAMS) if (typeof body[k] === 'number') params[k] = body[k];
  if (Array.isArray(body['tools'])) params['tools_count'] = body['tools'].length;
  return {
    api: 'openai.responses',
    model: body['model'],
    stream: body['stream'] === true,
    texts,
    prompt: summariseWithTokens(roles, texts),
    params,
    body,
  };
}


export const openAIResponsesAdapter: ApiAdapter = {
  api: 'openai.responses',
  route: '/v1/responses',
  shape: 'openai',
  parse: parseOpenAIResponses,
  answerText: responsesText,
  answerTexts: (body) => collectTexts(body, walkResponsesAnswer),
  answerToolTexts: (body) =>
    arr(obj(body)['output'])
      .map((item) => obj(item))
      .filter((item) => item['type'] === 'function_call' && typeof item['arguments'] === 'string')
      .map((item) => item['arguments'] as string),
  withAnswerTexts: (body, texts) => replaceTexts(body, walkResponsesAnswer, texts),
  withPromptTexts: (body, texts) => replaceTexts(body, walkResponsesPrompt, texts),
  usage: (body) => usageOf(obj(body)['usage']),
  stream: {
    isFinal: (ev) => ev.event !== undefined && FINAL_EVENTS.has(ev.event),
    isJson: () => true,
    text: (ev, parsed) => (ev.event === 'response.output_text.delta' ? (str(obj(parsed)['delta']) ?? '') : ''),
    usage: (ev, parsed) => (ev.event !== undefined && FINAL_EVENTS.has(ev.event) ? usageOf(obj(obj(parsed)['response'])['usage']) : undefined),
    toolText: (ev, parsed) => (ev.event === 'response.function_call_arguments.delta' ? (str(obj(parsed)['delta']) ?? '') : ''),
    withText: (ev, parsed, text) => {
      obj(parsed)['delta'] = text;
      return { ...ev, data: JSON.stringify(parsed) };
    },
    withWholeText: (ev, parsed, text) => {
      const p = obj(parsed);
      const whole = { value: text as string | undefined };
      switch (ev.event) {
        case 'response.output_text.done':
          p['text'] = text;
          break;
        case 'response.content_part.done': {
          const part = obj(p['part']);
          if (part['type'] !== 'output_text') return undefined;
          part['text'] = text;
          break;
        }
        case 'response.output_item.done':
          if (obj(p['item'])['type'] !== 'message') return undefined;
          setItemText(obj(p['item']), whole);
          break;
        default:
          if (ev.event === undefined || !FINAL_EVENTS.has(ev.event)) return undefined;
          for (const item of arr(obj(p['response'])['output'])) if (obj(item)['type'] === 'message') setItemText(obj(item), whole);
      }
      return { ...ev, data: JSON.stringify(parsed) };
    },
    errorEvent: (err, decisionId) => {
      const body = errorBody(err, 'openai', { decisionId });
      const e = obj(body['error']);
      // The Responses stream's error event, with the usual error object beside it for SDKs that read it.
      return { event: 'error', data: JSON.stringify({ type: 'error', code: e['code'], message: e['message'], param: null, sequence_number: 0, ...body }) };
    },
  },
};
