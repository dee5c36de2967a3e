// A JSON answer in each provider's own wire format, queued on the fake for the next request, so
// structured-output cases get what a provider holding to the schema would send back.
import type { Fakes } from '../providers/helpers.js';
import type { FakeUpstream } from '../support/fake-upstream.js';

export const FORECAST = { city: 'Paris', degrees: 21 };
export const FORECAST_SCHEMA: { type: 'object'; properties: Record<string, { type: 'string' | 'number' }>; required: string[]; additionalProperties: false } = {
  type: 'object',
  properties: { city: { type: 'string' }, degrees: { type: 'number' } },
  required: ['city', 'degrees'],
  additionalProperties: false,
};

function nativeAnswer(model: string, text: string): unknown {
  switch (model) {
    case 'claude':
      return { id: 'msg_json', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 5, output_tokens: 5 } };
    case 'bedrock-claude':
      return { output: { message: { role: 'assistant', content: [{ text }] } }, stopReason: 'end_turn', usage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 }, metrics: { latencyMs: 5 } };
    case 'gemini-flash':
      return { candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 5, totalTokenCount: 10 }, modelVersion: 'gemini-2.0-flash' };
    default:
      return { id: 'chatcmpl-json', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } };
  }
}

function fakeOf(fakes: Fakes, model: string): FakeUpstream {
  const byModel: Record<string, FakeUpstream> = { 'gpt-native': fakes.openai, 'compat-llama': fakes.compat, claude: fakes.anthropic, 'bedrock-claude': fakes.bedrock, 'gemini-flash': fakes.gemini };
  const fake = byModel[model];
  if (!fake) throw new Error(`no fake for ${model}`);
  return fake;
}

/**
 * Queues the JSON answer and returns a release that drops it again when the gateway refused the
 * request before it reached the provider, so no later case receives it.
 */
export function queueJsonAnswer(fakes: Fakes, model: string): () => void {
  const fake = fakeOf(fakes, model);
  fake.faults.push({ kind: 'status', status: 200, body: nativeAnswer(model, JSON.stringify(FORECAST)) });
  return () => {
    fake.faults.length = 0;
  };
}
