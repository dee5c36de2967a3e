// The prompt summary every adapter gives the policy, with a tokenizer's pre-flight count rather
// than a characters-per-token guess.
import { estimateTokensOf } from '../../tokens/estimate-tokens.js';
import { summarisePrompt, type PromptSummary } from '../prompt.js';

export function summariseWithTokens(messages: readonly { role: string }[], texts: readonly string[]): PromptSummary {
  return { ...summarisePrompt(messages, texts), estimated_tokens: estimateTokensOf(texts) };
}
