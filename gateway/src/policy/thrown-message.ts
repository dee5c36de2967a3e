// Turns whatever the WASM SDK throws (strings, plain objects, Errors) into one bounded message.

/** Long enough for any SDK or runtime message, short enough to keep log lines small. */
const MAX_MESSAGE_CHARS = 500;

export function thrownMessage(thrown: unknown): string {
  let message: string;
  if (thrown instanceof Error) {
    message = thrown.message;
  } else if (typeof thrown === 'string') {
    message = thrown;
  } else if (thrown !== null && typeof thrown === 'object' && typeof (thrown as { message?: unknown }).message === 'string') {
    message = (thrown as { message: string }).message;
  } else {
    message = String(thrown);
  }
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
}
