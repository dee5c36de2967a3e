// Public surface of rate limits and spend budgets.
export { createLimits, type AdmitRequest, type Limits, type LimitsDeps } from './limiter.js';
export type { Admission, Settlement } from './admission.js';
export { createMemoryLimitStore } from './memory-store.js';
export { createRedisLimitStore } from './redis-store.js';
export { createRedisConnection, type RedisConnection } from './redis-client.js';
export { costMicros, pricingFrom, type Pricing } from './pricing.js';
export type { LimitStore } from './limit-store.js';
