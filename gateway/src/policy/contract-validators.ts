// Checks decision inputs and outputs against the JSON Schemas that are the policy contract.
import { schemaAjv } from '@palisade/audit-core';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { policyInputSchema, policyOutputSchema } from './schemas.js';
import type { PolicyOutput } from './types.js';

const ajv = schemaAjv('first-error');
const validateOutput = ajv.compile<PolicyOutput>(policyOutputSchema);
const validateInput = ajv.compile(policyInputSchema);

export type OutputCheck = { ok: true; output: PolicyOutput } | { ok: false; problem: string };
export type InputCheck = { ok: true } | { ok: false; problem: string };

/** Problems name paths, rules and field names only, never values, so no content reaches logs. */
function describe(errors: ValidateFunction['errors'], subject: string): string {
  const first: ErrorObject | undefined = errors?.[0];
  if (!first) return `${subject} is not valid`;
  const where = first.instancePath || subject;
  const extra = first.params['additionalProperty'];
  return typeof extra === 'string' ? `${where} has an unknown field "${extra}"` : `${where} ${first.message ?? 'is not valid'}`;
}

export function checkPolicyOutput(value: unknown): OutputCheck {
  if (validateOutput(value)) return { ok: true, output: value };
  return { ok: false, problem: describe(validateOutput.errors, 'the decision') };
}

/** For the code that builds inputs and for tests; the engine itself does not validate inputs. */
export function checkPolicyInput(value: unknown): InputCheck {
  if (validateInput(value)) return { ok: true };
  return { ok: false, problem: describe(validateInput.errors, 'the input') };
}
