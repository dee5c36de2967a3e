// Limits on custom classes, so one configuration cannot make classification slow or large.

export const LIMITS = {
  classes: 64,
  patternsPerClass: 16,
  /** Kong's AI Prompt Guard allows patterns of 1-500 characters. */
  patternLength: 500,
  /** RE2 program size (instructions) above which a pattern is refused. Envoy refuses route
   * patterns above 100 by default; identifiers in prompts need more, real ones stay far below this. */
  programSize: 1000,
  keywordsPerClass: 2000,
  keywordLength: 100,
  contextWords: 32,
} as const;
