// The one shape every Palisade error catalogue shares: a stable code, the catalogue's message with
// an optional detail appended, structured data for precise reporting, and the error it wraps.

export interface CodedErrorOptions {
  cause?: unknown;
  /** Appended to the catalogue message; each catalogue says who may read it. */
  detail?: string;
  /** Structured facts for logs and callers that report precisely. */
  data?: Record<string, unknown>;
}

export abstract class CodedError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly detail: string | undefined;
  readonly data: Record<string, unknown> | undefined;

  /** `message` is the catalogue's text for `code`; `name` is the catalogue's class, kept as callers print it. */
  protected constructor(name: string, code: Code, message: string, options: CodedErrorOptions = {}) {
    super(options.detail ? `${message} ${options.detail}` : message, { cause: options.cause });
    this.name = name;
    this.code = code;
    this.detail = options.detail;
    this.data = options.data;
  }
}

/** True for an error of any Palisade catalogue. */
export function isCodedError(err: unknown): err is CodedError {
  return err instanceof CodedError;
}
