// The HTTP server in front of the Express app. On bytes it cannot parse, Node answers a bare 400
// and destroys the connection at once, even while earlier requests pipelined on it are still being
// handled: those may be forwarded and recorded as answered although the caller never gets their
// answer. Here the complete requests before the bad bytes are answered first, in order, then the
// refusal (recorded like any other), and only then is the connection closed.
import { STATUS_CODES, createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { GatewayError, toGatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { errorBody, retryHeadersFor } from './error-body.js';
import type { RefusalRecorder } from './refusal-record.js';

export interface GatewayServerDeps {
  refusals: RefusalRecorder;
  ids: { decisionId(): string };
  logger: Logger;
  limits: ConnectionLimits;
  onConnectionRefused?: (reason: 'max_connections' | 'max_connections_per_ip') => void;
}

/** What a client may hold and how long it may take to send a request. */
export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerIp?: number;
}

/** Our error for a client error Node reports; undefined for a connection that is simply gone. */
function refusalOf(err: NodeJS.ErrnoException): GatewayError | undefined {
  const code = err.code ?? '';
  if (code === 'HPE_HEADER_OVERFLOW') return new GatewayError('GW_ERR_HEADERS_TOO_LARGE', { cause: err });
  if (code.startsWith('HPE_')) return new GatewayError('GW_ERR_BAD_HTTP', { cause: err });
  return undefined;
}

/** Closes a new connection from an address that already holds `max` open ones. */
function limitPerAddress(server: Server, max: number, refused: () => void): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      refused();
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

function rawAnswer(status: number, headers: Record<string, string>, body = ''): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export function createGatewayServer(app: RequestListener, deps: GatewayServerDeps): Server {
  // The app refuses a missing Host itself, in the caller's shape and with a record.
  const { limits } = deps;
  const server = createServer({
    requireHostHeader: false,
    // Node refuses a headers timeout longer than the request timeout; the request's is the outer bound.
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    requestTimeout: limits.requestTimeoutMs,
    // Node checks both timeouts only this often (30 s by default), which would let a slow client hold on for that much longer.
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  });
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => deps.onConnectionRefused?.('max_connections'));
  if (limits.maxConnectionsPerIp !== undefined) limitPerAddress(server, limits.maxConnectionsPerIp, () => deps.onConnectionRefused?.('max_connections_per_ip'));
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
    return rawAnswer(error.status, { 'Content-Type': 'application/json', 'x-palisade-decision-id': decisionId, ...retryHeadersFor(error) }, body);
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
