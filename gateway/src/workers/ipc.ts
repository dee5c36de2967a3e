// Calls between a worker and the primary over the cluster's IPC channel: a worker asks, the
// primary answers, matched by a number. Every message carries `palisade` as its kind so that
// messages of other libraries on the same channel are left alone. The channel uses Node's
// "advanced" serialization (structured clone), so numbers such as Infinity survive the trip.

/** One end of the channel: `process` in a worker, a `cluster.Worker` in the primary. */
export interface IpcEndpoint {
  send(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** A worker's end of the channel to the primary that started it. */
export function parentChannel(): IpcEndpoint {
  return {
    send: (message) => {
      if (process.send === undefined) throw new Error('this process was not started with an IPC channel');
      return process.send(message);
    },
    on: (event, listener) => process.on(event, listener),
    off: (event, listener) => process.off(event, listener),
  };
}

export interface CallMessage {
  palisade: 'call';
  id: number;
  method: string;
  args: unknown[];
}

export interface ReplyMessage {
  palisade: 'reply';
  id: number;
  ok: boolean;
  value?: unknown;
  /** Why the call failed, when it did; never request content. */
  message?: string;
}

/** Messages the primary and the workers exchange besides calls and replies. */
export type NoticeMessage =
  /** worker → primary: its readiness, once a second. */
  | { palisade: 'ready'; ready: boolean; detail?: string }
  /** worker → primary: it is listening and has finished starting. */
  | { palisade: 'listening'; url: string }
  /** primary → worker: the readiness of every worker, by slot. */
  | { palisade: 'workers'; statuses: Record<string, { ready: boolean; detail?: string }> }
  /** primary → worker: re-read the configuration (the primary got SIGHUP). */
  | { palisade: 'reload' };

export type PalisadeMessage = CallMessage | ReplyMessage | NoticeMessage;

export function isPalisadeMessage(message: unknown): message is PalisadeMessage {
  return typeof message === 'object' && message !== null && 'palisade' in message && typeof message.palisade === 'string';
}

export class IpcCallError extends Error {
  override readonly name = 'IpcCallError';
}

export interface IpcClient {
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  /** As call, with a time limit of its own instead of the client's. */
  callWithin<T>(timeoutMs: number, method: string, ...args: unknown[]): Promise<T>;
  /** Calls still waiting for their answer. */
  pending(): number;
  close(): void;
}

/**
 * The calling side. A call that gets no answer within `timeoutMs` (the primary is gone or stuck)
 * fails, so that a request depending on it is refused rather than held.
 */
export function createIpcClient(endpoint: IpcEndpoint, options: { timeoutMs: number }): IpcClient {
  let next = 1;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  const onMessage = (message: unknown): void => {
    if (!isPalisadeMessage(message) || message.palisade !== 'reply') return;
    const entry = waiting.get(message.id);
    if (entry === undefined) return;
    waiting.delete(message.id);
    clearTimeout(entry.timer);
    if (message.ok) entry.resolve(message.value);
    else entry.reject(new IpcCallError(message.message ?? 'the primary process could not answer'));
  };
  endpoint.on('message', onMessage);
  function send<T>(timeoutMs: number, method: string, args: unknown[]): Promise<T> {
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new IpcCallError(`the primary process did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      waiting.set(id, { resolve: (value) => resolve(value as T), reject, timer });
      const message: CallMessage = { palisade: 'call', id, method, args };
      try {
        // false only means the channel is backed up; the message still goes.
        endpoint.send(message);
      } catch (cause) {
        waiting.delete(id);
        clearTimeout(timer);
        reject(new IpcCallError('the channel to the primary process is closed', { cause }));
      }
    });
  }
  return {
    call: <T>(method: string, ...args: unknown[]): Promise<T> => send<T>(options.timeoutMs, method, args),
    callWithin: <T>(timeoutMs: number, method: string, ...args: unknown[]): Promise<T> => send<T>(timeoutMs, method, args),
    pending: () => waiting.size,
    close() {
      endpoint.off('message', onMessage);
      for (const [id, entry] of waiting) {
        clearTimeout(entry.timer);
        entry.reject(new IpcCallError('the channel to the primary process was closed'));
        waiting.delete(id);
      }
    },
  };
}

export type IpcHandlers = Record<string, (...args: never[]) => unknown>;

/** The answering side: runs the named handler and sends back its result or its failure. */
export function serveIpc(endpoint: IpcEndpoint, handlers: IpcHandlers): () => void {
  const onMessage = (message: unknown): void => {
    if (!isPalisadeMessage(message) || message.palisade !== 'call') return;
    const reply = (r: Omit<ReplyMessage, 'palisade' | 'id'>): void => {
      try {
        endpoint.send({ palisade: 'reply', id: message.id, ...r } satisfies ReplyMessage);
      } catch {
        // The worker is gone; its call dies with it.
      }
    };
    const handler = Object.hasOwn(handlers, message.method) ? handlers[message.method] : undefined;
    if (handler === undefined) {
      reply({ ok: false, message: `unknown call ${message.method}` });
      return;
    }
    Promise.resolve()
      .then(() => (handler as (...args: unknown[]) => unknown)(...message.args))
      .then(
        (value) => reply({ ok: true, value }),
        (err: unknown) => reply({ ok: false, message: err instanceof Error ? err.message : String(err) }),
      );
  };
  endpoint.on('message', onMessage);
  return () => endpoint.off('message', onMessage);
}
