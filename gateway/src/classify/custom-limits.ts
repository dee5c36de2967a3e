// Limits on custom classes, so one configuration cannot make classification slow or large.

export const LIMITS = {
  classes: 64,
  patternsPerClass: 16,
  /** Kong's AI Prompt Guard allows patterns of 1-500 characters. */
  patternLength: 500,
  /** RE2's program size (instructions) above which a pattern is refused; Envoy's default error level is 100 for routes, prompts need more. */
  programSize: 2000,
  keywordsPerClass: 2000,
  keywordLength: 100,
  contextWords: 32,
} as const;
