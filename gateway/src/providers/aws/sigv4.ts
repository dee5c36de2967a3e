// AWS Signature Version 4 for request headers, as AWS documents it ("Create a signed AWS API
// request"): canonical request, string to sign, derived key, Authorization header. Checked
// against AWS's published test vectors in the provider tests.
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Request {
  method: string;
  host: string;
  /** The path as sent on the wire (already percent-encoded, or raw). */
  path: string;
  /** The query string without `?`, as sent. */
  query?: string;
  /** Headers to sign besides host and x-amz-date; names in any case. */
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
  region: string;
  service: string;
  credentials: AwsCredentials;
  now: Date;
}

export interface SigV4Result {
  /** Headers to add to the request: authorization, x-amz-date, x-amz-security-token when given. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 encoding: everything but unreserved characters (A-Z a-z 0-9 - _ . ~). */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Every service but S3 encodes each path segment once more on top of the wire form, so a `:` sent
 * as `%3A` (Bedrock model ids) is signed as `%253A`.
 */
function canonicalPath(path: string): string {
  if (path === '') return '/';
  return path
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, '%20'));
  } catch {
    return text;
  }
}

function canonicalQuery(query: string | undefined): string {
  if (!query) return '';
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const name = eq === -1 ? p : p.slice(0, eq);
      const value = eq === -1 ? '' : p.slice(eq + 1);
      return [uriEncode(decodeComponent(name)), uriEncode(decodeComponent(value))] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
}

/** `YYYYMMDDTHHMMSSZ`. */
export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function signingKey(secretAccessKey: string, dateStamp: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, dateStamp), region), service), 'aws4_request');
}

export function signV4(req: SigV4Request): SigV4Result {
  const date = amzDate(req.now);
  const dateStamp = date.slice(0, 8);
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers ?? {})) headers.set(k.toLowerCase(), v.trim().replace(/\s+/g, ' '));
  headers.set('host', req.host);
  headers.set('x-amz-date', date);
  if (req.credentials.sessionToken !== undefined) headers.set('x-amz-security-token', req.credentials.sessionToken);
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(req.path),
    canonicalQuery(req.query),
    names.map((n) => `${n}:${headers.get(n) ?? ''}\n`).join(''),
    signedHeaders,
    sha256Hex(req.body ?? ''),
  ].join('\n');
  const scope = `${dateStamp}/${req.region}/${req.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(req.credentials.secretAccessKey, dateStamp, req.region, req.service)).update(stringToSign, 'utf8').digest('hex');
  const out: Record<string, string> = {
    authorization: `AWS4-HMAC-SHA256 Credential=${req.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    'x-amz-date': date,
  };
  if (req.credentials.sessionToken !== undefined) out['x-amz-security-token'] = req.credentials.sessionToken;
  return { headers: out, canonicalRequest, stringToSign, signature };
}
