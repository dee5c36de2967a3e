// The names of the APIs the gateway serves, as policy inputs, audit records, metrics and traces
// spell them. One list, so that a misspelt name is a type error rather than a silent mismatch.

/** The modelled APIs: requests read through a field table, classified, and answered by a provider. */
export const MODEL_APIS = ['openai.chat', 'openai.responses', 'openai.embeddings', 'anthropic.messages', 'anthropic.count_tokens'] as const;
export type ModelApi = (typeof MODEL_APIS)[number];

/**
 * Every API a request can be recorded under: the modelled ones, the model list,
 * configured pass-through routes, the admin endpoints, and requests whose route is unknown.
 */
export type ApiName = ModelApi | 'models.list' | 'passthrough' | 'admin' | 'unknown';
