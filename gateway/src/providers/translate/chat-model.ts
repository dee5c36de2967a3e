// The neutral chat exchange every wire format translates through when the caller's API and the
// provider's differ: one request, one answer, and one stream of events. Only what every format
// can express lives here; a request using more is refused rather than silently trimmed. Settings
// only some formats have are kept with the caller's path to them, so a target that cannot take
// one refuses it by the name the caller used.
import { refusal } from './json-shapes.js';

export type ChatPart =
  | { type: 'text'; text: string }
  | { type: 'image'; mediaType?: string; data?: string; url?: string }
  | { type: 'tool_call'; id: string; name: string; arguments: string }
  | { type: 'tool_result'; toolCallId: string; content: string; isError?: boolean }
  /**
   * The model's own earlier reasoning (Anthropic thinking blocks), opaque: only a target of the
   * same model family takes it back, and the signature must come back unchanged.
   */
  | { type: 'thinking'; text: string; signature?: string; redacted?: string };

export interface ChatMessage {
  role: 'user' | 'assistant';
  parts: ChatPart[];
}

export interface ChatTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  /** Arguments must match the schema exactly (only targets with a strict mode can promise it). */
  strict?: boolean;
}

export function chatTool(name: string, parameters: unknown, description: string | undefined, strict?: unknown): ChatTool {
  const tool: ChatTool = { name, parameters: parameters !== null && typeof parameters === 'object' && !Array.isArray(parameters) ? (parameters as Record<string, unknown>) : { type: 'object', properties: {} } };
  if (description !== undefined) tool.description = description;
  if (typeof strict === 'boolean') tool.strict = strict;
  return tool;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
export const REASONING_EFFORTS: ReadonlySet<string> = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

/** Service tiers other than the provider's automatic choice. */
export type ServiceTier = 'standard' | 'flex' | 'priority' | 'scale';

/** The optional settings a target may be unable to take, each refused by its caller path. */
export type ChatSetting =
  | 'json'
  | 'toolChoice'
  | 'seed'
  | 'frequencyPenalty'
  | 'presencePenalty'
  | 'topK'
  | 'parallelToolCalls'
  | 'reasoningEffort'
  | 'thinkingBudget'
  | 'serviceTier'
  | 'user'
  | 'safetyIdentifier'
  | 'metadata'
  | 'store'
  | 'promptCacheKey'
  | 'verbosity';

export interface ChatRequest {
  model: string;
  /** System and developer instructions, in order. */
  system: string[];
  messages: ChatMessage[];
  tools: ChatTool[];
  toolChoice?: ToolChoice;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  /** JSON output requested (OpenAI JSON mode or a JSON schema). */
  json?: { schema?: Record<string, unknown>; name?: string; strict?: boolean };
  stream: boolean;
  user?: string;
  safetyIdentifier?: string;
  seed?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  topK?: number;
  /** Only ever `false` (at most one tool call per turn); the default is not recorded. */
  parallelToolCalls?: false;
  reasoningEffort?: ReasoningEffort;
  /** Extended thinking with this token budget (Anthropic's `thinking`). */
  thinkingBudget?: number;
  serviceTier?: ServiceTier;
  metadata?: Record<string, string>;
  /** Only ever `true` (keep the completion at the provider); the default is not recorded. */
  store?: true;
  promptCacheKey?: string;
  verbosity?: 'low' | 'high';
  /** Where each setting above came from in the caller's body. */
  paths: Partial<Record<ChatSetting, string>>;
  /** Caller fields no target format can hold, by path; every translated call refuses them. */
  untranslatable: string[];
}

/** A request with no settings yet (the readers fill it in). */
export function emptyChatRequest(model: string, stream: boolean): ChatRequest {
  return { model, system: [], messages: [], tools: [], stream, paths: {}, untranslatable: [] };
}

/** Records a setting and the caller path it came from. */
export function setSetting<K extends ChatSetting & keyof ChatRequest>(req: ChatRequest, key: K, value: ChatRequest[K] | undefined, path: string): void {
  if (value === undefined) return;
  req[key] = value;
  req.paths[key] = path;
}

/** Refuses every set setting in `keys`: the target has nowhere to put them. */
export function refuseSettings(req: ChatRequest, keys: readonly ChatSetting[], target: string): void {
  for (const key of keys) if (req[key] !== undefined) throw refusal(req.paths[key] ?? key, target);
}

/** The refusal of one setting by its caller path. */
export function settingRefusal(req: ChatRequest, key: ChatSetting, target: string): Error {
  return refusal(req.paths[key] ?? key, target);
}

export type StopReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ChatUsage {
  input: number;
  output: number;
}

export interface ChatAnswer {
  id: string;
  model: string;
  /** Text and tool calls, in the order the model produced them. */
  parts: ChatPart[];
  stop: StopReason;
  usage?: ChatUsage;
}

/** A streamed answer, format-free. A stream that ends without `done` was cut short. */
export type ChatEvent =
  | { type: 'start'; id: string; model: string; inputTokens?: number }
  | { type: 'text'; text: string }
  | { type: 'tool_start'; index: number; id: string; name: string }
  | { type: 'tool_args'; index: number; json: string }
  | { type: 'stop'; reason: StopReason }
  | { type: 'usage'; input?: number; output?: number }
  | { type: 'done' };

/** A translated answer: whole, or as events. */
export type ChatResult = { kind: 'json'; answer: ChatAnswer } | { kind: 'stream'; events: AsyncIterable<ChatEvent> };

export function answerTextOf(parts: readonly ChatPart[]): string {
  let out = '';
  for (const p of parts) if (p.type === 'text') out += p.text;
  return out;
}

/** Maps each tool call id in a conversation to its function name (formats that key results by name need it). */
export function toolNamesById(messages: readonly ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) for (const p of m.parts) if (p.type === 'tool_call') names.set(p.id, p.name);
  return names;
}

export function parseArguments(json: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    // A model that produced invalid JSON arguments: keep them visible rather than drop them.
    return { _raw: json };
  }
}

/** The instruction added for JSON output on formats that have no JSON mode. */
export function jsonInstruction(json: NonNullable<ChatRequest['json']>): string {
  const schema = json.schema ? ` The JSON must match this JSON Schema: ${JSON.stringify(json.schema)}` : '';
  return `Answer with one JSON value and nothing else.${schema}`;
}
