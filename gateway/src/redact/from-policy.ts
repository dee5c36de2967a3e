// Reads the `redact` field of a policy decision into redactor operators. The object form names an
// operator per type; the array form of the first policy contract lists types to replace with
// placeholders. Anything else is refused, so a malformed decision never forwards unredacted text.

import { GatewayError } from '../errors.js';
import { isOperator, OPERATORS, type Operator } from './operators.js';

const TYPE_NAME = /^(?:\*|[A-Z][A-Z0-9_]{0,63})$/;

export function operatorsFromPolicy(redact: unknown): Record<string, Operator> {
  const invalid = (detail: string): GatewayError =>
    new GatewayError('GW_ERR_POLICY_OUTPUT_INVALID', { detail: `redact: ${detail}`, data: { field: 'redact' } });
  if (redact === undefined || redact === null) return {};
  const operators: Record<string, Operator> = {};
  if (Array.isArray(redact)) {
    for (const type of redact) {
      if (typeof type !== 'string' || !TYPE_NAME.test(type)) throw invalid('types must be upper snake case names.');
      operators[type] = 'placeholder';
    }
    return operators;
  }
  if (typeof redact !== 'object') throw invalid('must be an object of type -> operator, or an array of types.');
  for (const [type, operator] of Object.entries(redact)) {
    if (!TYPE_NAME.test(type)) throw invalid('types must be upper snake case names.');
    if (!isOperator(operator)) throw invalid(`operators are ${OPERATORS.join(', ')}.`);
    operators[type] = operator;
  }
  return operators;
}
