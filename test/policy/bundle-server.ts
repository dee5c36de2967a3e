// A loopback bundle server speaking OPA's bundle service protocol, for the hot-reload tests:
// ETag / If-None-Match / 304, optional long polling (Prefer: wait=N), and injectable failures.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  ifNoneMatch?: string;
  prefer?: string;
  authorization?: string;
  status: number;
}

export interface BundleServer {
  url: string;
  requests: SeenRequest[];
  /** Serves `bytes` from now on, and answers held long polls with it. */
  serve(bytes: Uint8Array): void;
  /** Answers the next `count` requests with `status` (e.g. 500). */
  fail(status: number, count: number): void;
  close(): Promise<void>;
}

const etagOf = (bytes: Uint8Array): string => `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`;

export async function startBundleServer(initial: Uint8Array, options: { longPolling?: boolean } = {}): Promise<BundleServer> {
  let current = initial;
  let failures: { status: number; count: number } = { status: 500, count: 0 };
  const requests: SeenRequest[] = [];
  const held = new Set<() => void>();

  function answer(req: IncomingMessage, res: ServerResponse): void {
    const seen: SeenRequest = { status: 0 };
    if (typeof req.headers['if-none-match'] === 'string') seen.ifNoneMatch = req.headers['if-none-match'];
    if (typeof req.headers['prefer'] === 'string') seen.prefer = req.headers['prefer'];
    if (typeof req.headers['authorization'] === 'string') seen.authorization = req.headers['authorization'];
    requests.push(seen);
    if (failures.count > 0) {
      failures.count--;
      seen.status = failures.status;
      res.writeHead(failures.status).end('unavailable');
      return;
    }
    const contentType = options.longPolling ? 'application/vnd.openpolicyagent.bundles' : 'application/gzip';
    const send = (): void => {
      const etag = etagOf(current);
      if (seen.ifNoneMatch === etag) {
        seen.status = 304;
        res.writeHead(304, { etag, 'content-type': contentType }).end();
      } else {
        seen.status = 200;
        res.writeHead(200, { etag, 'content-type': contentType, 'content-length': current.byteLength }).end(current);
      }
    };
    const wait = /^wait=(\d+)$/.exec(seen.prefer ?? '');
    if (options.longPolling && wait && seen.ifNoneMatch === etagOf(current)) {
      // Hold until the bundle changes or the client's wait is over.
      const release = (): void => {
        clearTimeout(timer);
        held.delete(release);
        if (!res.destroyed) send();
      };
      const timer = setTimeout(release, Number(wait[1]) * 1000);
      held.add(release);
      req.on('close', () => {
        clearTimeout(timer);
        held.delete(release);
      });
      return;
    }
    send();
  }

  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bundles/palisade.tar.gz`,
    requests,
    serve(bytes) {
      current = bytes;
      for (const release of [...held]) release();
    },
    fail(status, count) {
      failures = { status, count };
    },
    async close() {
      for (const release of [...held]) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs` (tests stay bounded). */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
