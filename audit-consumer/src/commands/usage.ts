// Argument errors of the palisade-audit command: they print the usage text and exit with status 2.

export class UsageError extends Error {}

/** Runs parseArgs (or any argument check), turning its errors (unknown option, missing value) into usage errors. */
export function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The value of a required option. */
export function required(value: string | undefined, name: string, command: string): string {
  if (value === undefined || value === '') throw new UsageError(`${command} needs --${name}.`);
  return value;
}
