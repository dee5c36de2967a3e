// Public surface of the gateway package, for embedding and tests.
export { startGateway, type RunningGateway, type StartDeps } from './start.js';
export { loadConfig, parseConfig, type LoadedConfig } from './config/load-config.js';
export type { GatewayConfig } from './config/schema.js';
export { ERRORS, GatewayError, type ErrorCode } from './errors.js';
export { REDACT_PATHS, createLogger } from './logging/logger.js';
