// The built-in entity types, the data-class labels each one raises, and its part in the PHI rule.

export type DataLabel = 'PII' | 'PHI' | 'SECRET' | 'PROMPT_INJECTION';

/** Labels in the order a classification lists them. */
export const LABEL_ORDER: readonly DataLabel[] = ['PII', 'PHI', 'SECRET', 'PROMPT_INJECTION'];

/**
 * How an entity takes part in the PHI rule: a prompt where an `identifier` meets `health`
 * information is PHI. `health-identifier` types (medical record and health plan numbers) are both
 * at once: they only exist for people who receive care.
 */
export type PhiRole = 'identifier' | 'health' | 'health-identifier';

export interface EntityInfo {
  /** Labels raised once an entity of this type reaches the label threshold. Empty: none by itself. */
  readonly labels: readonly DataLabel[];
  readonly phi?: PhiRole;
  /** The HIPAA Safe Harbor identifier (45 CFR 164.514(b)(2)(i), letters A-R) the type stands for. */
  readonly hipaa?: string;
}

const PII: readonly DataLabel[] = ['PII'];
const PHI_AND_PII: readonly DataLabel[] = ['PII', 'PHI'];
const SECRET: readonly DataLabel[] = ['SECRET'];
const NONE: readonly DataLabel[] = [];

export const ENTITY_INFO = {
  // Personal data (Presidio's names)
  PERSON: { labels: PII, phi: 'identifier', hipaa: 'A' },
  LOCATION: { labels: NONE, hipaa: 'B' },
  STREET_ADDRESS: { labels: PII, phi: 'identifier', hipaa: 'B' },
  ZIP_CODE: { labels: NONE, phi: 'identifier', hipaa: 'B' },
  DATE_TIME: { labels: NONE, hipaa: 'C' },
  AGE: { labels: NONE, hipaa: 'C' },
  PHONE_NUMBER: { labels: PII, phi: 'identifier', hipaa: 'D' },
  EMAIL_ADDRESS: { labels: PII, phi: 'identifier', hipaa: 'F' },
  US_SSN: { labels: PII, phi: 'identifier', hipaa: 'G' },
  US_ITIN: { labels: PII, phi: 'identifier', hipaa: 'R' },
  CREDIT_CARD: { labels: PII, phi: 'identifier', hipaa: 'J' },
  IBAN_CODE: { labels: PII, phi: 'identifier', hipaa: 'J' },
  US_BANK_NUMBER: { labels: PII, phi: 'identifier', hipaa: 'J' },
  ABA_ROUTING_NUMBER: { labels: NONE, hipaa: 'J' },
  CRYPTO: { labels: PII, phi: 'identifier', hipaa: 'J' },
  US_PASSPORT: { labels: PII, phi: 'identifier', hipaa: 'K' },
  US_DRIVER_LICENSE: { labels: PII, phi: 'identifier', hipaa: 'K' },
  UK_NHS: { labels: PHI_AND_PII, phi: 'health-identifier', hipaa: 'H' },
  CA_SIN: { labels: PII, phi: 'identifier', hipaa: 'R' },
  VIN: { labels: PII, phi: 'identifier', hipaa: 'L' },
  IMEI: { labels: PII, phi: 'identifier', hipaa: 'M' },
  URL: { labels: NONE, hipaa: 'N' },
  IP_ADDRESS: { labels: PII, phi: 'identifier', hipaa: 'O' },
  MAC_ADDRESS: { labels: PII, phi: 'identifier', hipaa: 'M' },
  // Health care
  MEDICAL_RECORD_NUMBER: { labels: PHI_AND_PII, phi: 'health-identifier', hipaa: 'H' },
  HEALTH_PLAN_NUMBER: { labels: PHI_AND_PII, phi: 'health-identifier', hipaa: 'I' },
  US_MBI: { labels: PHI_AND_PII, phi: 'health-identifier', hipaa: 'I' },
  US_NPI: { labels: PII, phi: 'identifier', hipaa: 'K' },
  MEDICAL_LICENSE: { labels: PII, phi: 'identifier', hipaa: 'K' },
  ICD10_CODE: { labels: NONE, phi: 'health' },
  MEDICAL_CONDITION: { labels: NONE, phi: 'health' },
  // Credentials
  SECRET_API_KEY: { labels: SECRET },
  PRIVATE_KEY: { labels: SECRET },
  JWT: { labels: SECRET },
  PASSWORD: { labels: SECRET },
} as const satisfies Record<string, EntityInfo>;

export type EntityType = keyof typeof ENTITY_INFO;

export const ENTITY_TYPES = Object.keys(ENTITY_INFO) as EntityType[];

/** The first label each built-in type raises, or null; kept for callers of the first version. */
export const ENTITY_LABELS: Readonly<Record<EntityType, DataLabel | null>> = Object.fromEntries(
  ENTITY_TYPES.map((t) => [t, ENTITY_INFO[t].labels[0] ?? null]),
) as Record<EntityType, DataLabel | null>;

export function isEntityType(name: string): name is EntityType {
  return Object.hasOwn(ENTITY_INFO, name);
}

export function isDataLabel(name: string): name is DataLabel {
  return (LABEL_ORDER as readonly string[]).includes(name);
}
