// The HTTP server in front of the Express app. On bytes it cannot parse, Node answers a bare 400
// and destroys the connection at once, even while earlier requests pipelined on it are still being
// handled: those may be forwarded and recorded as answered although the caller never gets their
// answer. Here the complete requests before the bad bytes are answered first, in order, then the
// refusal (recorded like any other), and only then is the connection closed.
import { STATUS_CODES, createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError, toGatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { errorBody } from './error-body.js';
import type { RefusalRecorder } from './refusal-record.js';

export interface GatewayServerDeps {
  refusals: RefusalRecorder;
  ids: { decisionId(): string };
  logger: Logger;
}

/** Our error for a client error Node reports; undefined for a connection that is simply gone. */
function refusalOf(err: NodeJS.ErrnoException): GatewayError | undefined {
  const code = err.code ?? '';
  if (code === 'HPE_HEADER_OVERFLOW') return new GatewayError('GW_ERR_HEADERS_TOO_LARGE', { cause: err });
  if (code.startsWith('HPE_')) return new GatewayError('GW_ERR_BAD_HTTP', { cause: err });
  return undefined;
}

function rawAnswer(status: number, headers: Record<string, string>, body = ''): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export function createGatewayServer(app: RequestListener, deps: GatewayServerDeps): Server {
  // The app refuses a missing Host itself, in the caller's shape and with a record.
  const server = createServer({ requireHostHeader: false });
  /** Requests on each connection whose answer has not finished. */
  const pending = new WeakMap<Duplex, Set<IncomingMessage>>();
  /** Connections that sent bytes Node could not parse, with what to do once their earlier requests are answered. */
  const failed = new WeakMap<Duplex, () => void>();

  /** Only complete requests can have been forwarded; one cut short by the bad bytes never will be. */
  const answering = (socket: Duplex): boolean => [...(pending.get(socket) ?? [])].some((r) => r.complete);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    let open = pending.get(socket);
    if (!open) pending.set(socket, (open = new Set()));
    open.add(req);
    res.once('close', () => {
      open.delete(req);
      const whenDrained = failed.get(socket);
      if (whenDrained && !answering(socket)) whenDrained();
    });
  });
  server.on('request', app);

  async function answerFor(err: NodeJS.ErrnoException, socket: Duplex): Promise<string> {
    const refusal = refusalOf(err);
    // A request that took too long to arrive is not refused for its content: Node's own answer, unrecorded.
    if (!refusal) return rawAnswer(408, {});
    const decisionId = deps.ids.decisionId();
    let error: GatewayError = refusal;
    let recorded = false;
    try {
      const address = (socket as { remoteAddress?: string }).remoteAddress;
      recorded = await deps.refusals.record({ decisionId, api: 'unknown', route: '*', ...(address !== undefined ? { clientAddress: address } : {}) }, refusal);
    } catch (auditErr) {
      error = toGatewayError(auditErr);
      deps.logger.error({ err: error.cause ?? error, code: error.code, decision_id: decisionId }, 'refusal could not be audited');
    }
    if (error === refusal) deps.logger.info({ code: refusal.code, decision_id: decisionId, recorded }, 'request refused: not readable as HTTP');
    const body = JSON.stringify(errorBody(error, 'openai', { decisionId }));
    return rawAnswer(error.status, { 'Content-Type': 'application/json', 'x-palisade-decision-id': decisionId }, body);
  }

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Node reports the same parse error again for every later chunk on the connection.
    if (failed.has(socket)) return;
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const answer = answerFor(err, socket);
    const drained = new Promise<void>((resolve) => failed.set(socket, resolve));
    if (!answering(socket)) failed.get(socket)?.();
    Promise.all([answer, drained]).then(
      ([bytes]) => {
        if (socket.writable) socket.end(bytes, () => socket.destroy());
        else socket.destroy();
      },
      () => socket.destroy(),
    );
  });
  return server;
}
