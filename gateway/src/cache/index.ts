// Public surface of the response cache.
export { createResponseCache, type CacheLookup, type CachePlan, type CacheRequest, type ResponseCache, type ResponseCacheDeps } from './response-cache.js';
export { createLruStore } from './lru-store.js';
export { createRedisCacheStore } from './redis-cache-store.js';
export { NON_SEMANTIC_FIELDS, cacheKey } from './cache-key.js';
export { assembleChatCompletion, chatCompletionEvents } from './openai-chat-replay.js';
export { assembleMessage, messageEvents } from './anthropic-messages-replay.js';
export type { CacheStore } from './cache-store.js';
export type { ReplayCodec } from './replay-codec.js';
