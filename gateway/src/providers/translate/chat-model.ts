// The neutral chat exchange every wire format translates through when the caller's API and the
// provider's differ: one request, one answer, and one stream of events. Only what every format
// can express lives here; a request using more is refused rather than silently trimmed.

export type ChatPart =
  | { type: 'text'; text: string }
  | { type: 'image'; mediaType?: string; data?: string; url?: string }
  | { type: 'tool_call'; id: string; name: string; arguments: string }
  | { type: 'tool_result'; toolCallId: string; content: string; isError?: boolean };

export interface ChatMessage {
  role: 'user' | 'assistant';
  parts: ChatPart[];
}

export interface ChatTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

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
  json?: { schema?: Record<string, unknown>; name?: string };
  stream: boolean;
  user?: string;
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
