// OpenAI's Responses API as the pipeline sees it (text in, text out): instructions and input
// items are the prompt; a streamed answer ends with response.completed (or .incomplete/.failed).
import { errorBody } from '../../http/error-body.js';
import { responsesText } from '../../providers/translate/responses-codec.js';
import { arr, obj, str, type Json } from '../../providers/translate/json-shapes.js';
import { collectTexts, replaceTexts, stringsIn, type TextVisitor, type TextWalk } from './text-slots.js';
import { inputOutputUsage as usageOf, type ApiAdapter, type ParsedRequest } from './types.js';
import { OPENAI_RESPONSES_FIELDS } from '../fields/openai-responses-fields.js';
import { numericParams, parsedFrom, readTable } from '../fields/parsed-request.js';
import type { ReadOptions } from '../fields/read-body.js';

const SAFE_PARAMS = ['max_output_tokens', 'temperature', 'top_p'] as const;
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function visitField(holder: Json, key: string, visit: TextVisitor): void {
  const text = holder[key];
  if (typeof text !== 'string') return;
  const next = visit(text);
  if (next !== undefined) holder[key] = next;
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

/** The roles of the prompt's parts, for the policy's prompt summary. */
function promptRoles(body: Json): { role: string }[] {
  const roles: { role: string }[] = [];
  if (typeof body['instructions'] === 'string') roles.push({ role: 'system' });
  if (typeof body['input'] === 'string') roles.push({ role: 'user' });
  for (const raw of arr(body['input'])) {
    const item = obj(raw);
    const type = item['type'] ?? 'message';
    if (type === 'message') roles.push({ role: str(item['role']) ?? 'user' });
    else if (type === 'function_call_output' || type === 'custom_tool_call_output') roles.push({ role: 'tool' });
    else if (type === 'function_call' || type === 'custom_tool_call') roles.push({ role: 'assistant' });
  }
  return roles;
}

export function parseOpenAIResponses(body: unknown, options: ReadOptions): ParsedRequest {
  const read = readTable(body, OPENAI_RESPONSES_FIELDS, options);
  return parsedFrom('openai.responses', read, promptRoles(read.body), numericParams(read.body, SAFE_PARAMS));
}

export const openAIResponsesAdapter: ApiAdapter = {
  api: 'openai.responses',
  route: '/v1/responses',
  shape: 'openai',
  parse: parseOpenAIResponses,
  answerText: responsesText,
  answerTexts: (body) => collectTexts(body, walkResponsesAnswer),
  // Function calls (name and arguments) and refusals reach the caller too.
  answerToolTexts: (body) =>
    arr(obj(body)['output']).flatMap((raw) => {
      const item = obj(raw);
      if (item['type'] === 'function_call') return [str(item['name']) ?? '', str(item['arguments']) ?? ''];
      if (item['type'] !== 'message') return [];
      return arr(item['content']).flatMap((part) => (obj(part)['type'] === 'refusal' ? [str(obj(part)['refusal']) ?? ''] : stringsIn(obj(part)['annotations'])));
    }),
  withAnswerTexts: (body, texts) => replaceTexts(body, walkResponsesAnswer, texts),
  usage: (body) => usageOf(obj(body)['usage']),
  stream: {
    isFinal: (ev) => ev.event !== undefined && FINAL_EVENTS.has(ev.event),
    isJson: () => true,
    text: (ev, parsed) => (ev.event === 'response.output_text.delta' ? (str(obj(parsed)['delta']) ?? '') : ''),
    usage: (ev, parsed) => (ev.event !== undefined && FINAL_EVENTS.has(ev.event) ? usageOf(obj(obj(parsed)['response'])['usage']) : undefined),
    toolText: (ev, parsed) => {
      if (ev.event === 'response.function_call_arguments.delta' || ev.event === 'response.refusal.delta') return str(obj(parsed)['delta']) ?? '';
      if (ev.event === 'response.output_item.added' && obj(obj(parsed)['item'])['type'] === 'function_call') return str(obj(obj(parsed)['item'])['name']) ?? '';
      return '';
    },
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
