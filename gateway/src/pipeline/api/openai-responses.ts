// OpenAI's Responses API as the pipeline sees it (text in, text out): instructions and input
// items are the prompt; a streamed answer ends with response.completed (or .incomplete/.failed).
import { GatewayError } from '../../errors.js';
import { errorBody } from '../../http/error-body.js';
import { responsesText } from '../../providers/translate/responses-codec.js';
import { arr, isObject, obj, str } from '../../providers/translate/json-shapes.js';
import { inputOutputUsage as usageOf, type ApiAdapter, type ParsedRequest } from './types.js';
import { summariseWithTokens } from './prompt-estimate.js';

const SAFE_PARAMS = ['max_output_tokens', 'temperature', 'top_p'] as const;
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function bad(detail: string): GatewayError {
  return new GatewayError('GW_ERR_BAD_REQUEST', { detail });
}

/** Input parts whose words the gateway can read (images carry none); files and audio cannot be inspected. */
const INSPECTABLE_PARTS = new Set(['input_text', 'output_text', 'text', 'refusal', 'input_image']);

function contentTexts(content: unknown, out: string[]): void {
  if (typeof content === 'string') {
    out.push(content);
    return;
  }
  for (const raw of arr(content)) {
    const p = obj(raw);
    if (typeof p['type'] === 'string' && !INSPECTABLE_PARTS.has(p['type'])) throw bad(`Input parts of type "${p['type']}" cannot be inspected, so the gateway does not forward them.`);
    if (typeof p['text'] === 'string') out.push(p['text']);
    else if (typeof p['refusal'] === 'string') out.push(p['refusal']);
  }
}

/** Instructions, message texts, and tool outputs and arguments the caller sends back. */
export function responsesTexts(body: Record<string, unknown>): { texts: string[]; roles: { role: string }[] } {
  const texts: string[] = [];
  const roles: { role: string }[] = [];
  const instructions = str(body['instructions']);
  if (instructions !== undefined) {
    texts.push(instructions);
    roles.push({ role: 'system' });
  }
  const input = body['input'];
  if (typeof input === 'string') {
    texts.push(input);
    roles.push({ role: 'user' });
  }
  for (const raw of arr(input)) {
    const item = obj(raw);
    const type = item['type'] ?? 'message';
    if (type === 'message') {
      contentTexts(item['content'], texts);
      roles.push({ role: str(item['role']) ?? 'user' });
    } else if (type === 'function_call_output') {
      contentTexts(item['output'], texts);
      roles.push({ role: 'tool' });
    } else if (type === 'function_call') {
      if (typeof item['arguments'] === 'string') texts.push(item['arguments']);
      roles.push({ role: 'assistant' });
    } else if (type !== 'reasoning') {
      // Fail closed: item kinds the gateway cannot read (file searches, references to stored items) are refused.
      throw bad(`Input items of type "${String(type)}" cannot be inspected, so the gateway does not forward them.`);
    }
  }
  return { texts, roles };
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
  const { texts, roles } = responsesTexts(body);
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
  usage: (body) => usageOf(obj(body)['usage']),
  stream: {
    isFinal: (ev) => ev.event !== undefined && FINAL_EVENTS.has(ev.event),
    isJson: () => true,
    text: (ev, parsed) => (ev.event === 'response.output_text.delta' ? (str(obj(parsed)['delta']) ?? '') : ''),
    usage: (ev, parsed) => (ev.event !== undefined && FINAL_EVENTS.has(ev.event) ? usageOf(obj(obj(parsed)['response'])['usage']) : undefined),
    errorEvent: (err, decisionId) => {
      const body = errorBody(err, 'openai', { decisionId });
      const e = obj(body['error']);
      // The Responses stream's error event, with the usual error object beside it for SDKs that read it.
      return { event: 'error', data: JSON.stringify({ type: 'error', code: e['code'], message: e['message'], param: null, sequence_number: 0, ...body }) };
    },
  },
};
