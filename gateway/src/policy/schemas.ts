// The policy input and output contracts as JSON Schemas, shared by the engine, tests and tooling.
import inputSchema from './schemas/policy-input.schema.json' with { type: 'json' };
import outputSchema from './schemas/policy-output.schema.json' with { type: 'json' };

export const policyInputSchema: Readonly<Record<string, unknown>> = inputSchema;
export const policyOutputSchema: Readonly<Record<string, unknown>> = outputSchema;
