// Redaction of classified values and restoration of placeholders in answers, per request.

export { createRedactor, type RedactionResult, type Redactor, type RedactorOptions } from './create-redactor.js';
export { operatorsFromPolicy } from './from-policy.js';
export { hashValue, maskValue, OPERATORS, isOperator, type Operator } from './operators.js';
export type { PlaceholderMap } from './placeholder-map.js';
export { createRestorer, restore, type Restorer } from './restorer.js';
export { loadRedactionKey } from './redaction-key.js';
