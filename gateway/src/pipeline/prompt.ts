// Sizes of a prompt for the policy: counts and lengths, never the words.

export interface PromptSummary {
  messages: number;
  roles: string[];
  chars: number;
  estimated_tokens: number;
}

export function summarisePrompt(messages: readonly { role: string }[], texts: readonly string[]): PromptSummary {
  const roles = new Set<string>();
  for (const m of messages) roles.add(m.role);
  let chars = 0;
  for (const t of texts) chars += t.length;
  // About four characters per token for English text; a pre-flight estimate only.
  return { messages: messages.length, roles: [...roles].sort(), chars, estimated_tokens: Math.ceil(chars / 4) };
}
