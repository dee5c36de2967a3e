// The entity types this version detects and the data-class label each one raises.

export type DataLabel = 'PII' | 'PHI' | 'SECRET' | 'PROMPT_INJECTION';

/** Labels in the order a classification lists them. */
export const LABEL_ORDER: readonly DataLabel[] = ['PII', 'PHI', 'SECRET', 'PROMPT_INJECTION'];

export const ENTITY_LABELS = {
  EMAIL_ADDRESS: 'PII',
  US_SSN: 'PII',
  CREDIT_CARD: 'PII',
  PHONE_NUMBER: 'PII',
  IP_ADDRESS: 'PII',
  SECRET_API_KEY: 'SECRET',
  PRIVATE_KEY: 'SECRET',
  JWT: 'SECRET',
} as const satisfies Record<string, DataLabel>;

export type EntityType = keyof typeof ENTITY_LABELS;

export const ENTITY_TYPES = Object.keys(ENTITY_LABELS) as EntityType[];

export function isEntityType(name: string): name is EntityType {
  return Object.hasOwn(ENTITY_LABELS, name);
}
