// Serves the built web pages under /console/: hashed assets cached for good, index.html for every other page path (the pages route themselves).
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { SECURITY_HEADERS } from './http-answers.js';

/** The package's web-dist folder: one level above both src/ and dist/. */
export const DEFAULT_WEB_DIST = join(import.meta.dirname, '..', 'web-dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Palisade audit console</title></head>
<body><h1>The audit console is not built</h1>
<p>Build the web pages with <code>npx vite build --config packages/console/web/vite.config.ts</code>, then reload this page. The console's API answers under /console/api/ all the same.</p>
</body></html>
`;

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Answers a GET for a page or asset path below /console/ (`rest` is the path after it, decoded). */
export async function serveStatic(res: ServerResponse, webDist: string, rest: string, head: boolean): Promise<void> {
  const index = join(webDist, 'index.html');
  if (!(await isFile(index))) {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(head ? undefined : NOT_BUILT);
    return;
  }
  const relative = normalize(rest).replace(/^([/\\])+/, '');
  let file = index;
  if (relative !== '' && relative !== '.' && !relative.startsWith('..') && !relative.includes(`..${sep}`)) {
    const candidate = join(webDist, relative);
    if (candidate.startsWith(webDist + sep) && (await isFile(candidate))) file = candidate;
  }
  const body = await readFile(file);
  const hashedAsset = file !== index && relative.startsWith(`assets${sep}`);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': hashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-length': String(body.length),
  });
  res.end(head ? undefined : body);
}
