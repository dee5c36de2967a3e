// The health every component reports for /readyz. A neutral home: identity, limits, the cache,
// providers and the audit sinks all report it, and none of them should depend on another for it.

export interface ComponentStatus {
  ready: boolean;
  detail?: string;
}
