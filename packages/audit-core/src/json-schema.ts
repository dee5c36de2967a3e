// Ajv instances shared by every module that checks JSON against a schema: one per way of checking,
// since an instance holds its compiled schemas and formats, and compiling is the costly part.
import { Ajv } from 'ajv';

/**
 * How a schema is checked. All three are strict (a schema ajv would misread is refused when it is
 * compiled) and allow union types.
 * - `all-errors`: every problem is reported, for people fixing a file;
 * - `all-errors-with-defaults`: the same, and missing properties take their schema defaults (configuration files);
 * - `first-error`: stops at the first problem, for checks on the request path.
 */
export type SchemaChecking = 'all-errors' | 'all-errors-with-defaults' | 'first-error';

const instances = new Map<SchemaChecking, Ajv>();

function create(checking: SchemaChecking): Ajv {
  switch (checking) {
    case 'all-errors':
      return new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    case 'all-errors-with-defaults':
      return new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
    case 'first-error':
      return new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  }
}

/** The shared Ajv for a way of checking; compile each schema once, at module load, and keep the function. */
export function schemaAjv(checking: SchemaChecking): Ajv {
  let ajv = instances.get(checking);
  if (ajv === undefined) {
    ajv = create(checking);
    instances.set(checking, ajv);
  }
  return ajv;
}
