// Calls the console API: same-origin cookies, the session's CSRF token on every change, and errors
// carried as ApiError with the server's stable code.
import type { Session, SignInModes } from './types.js';

export const API = '/console/api';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly modes?: SignInModes,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

let csrf = '';
let onSignedOut: (() => void) | undefined;

export function setSession(session: Session | undefined): void {
  csrf = session?.csrf ?? '';
}

/** Called when the server says the session is gone, so the app can show the sign-in page. */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
  modes?: SignInModes;
}

async function toError(res: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // Not JSON (a proxy's page, say): the status alone is reported.
  }
  const code = typeof body.error?.code === 'string' ? body.error.code : `HTTP_${res.status}`;
  const message = typeof body.error?.message === 'string' ? body.error.message : `The server answered ${res.status} ${res.statusText}.`;
  return new ApiError(res.status, code, message, body.modes);
}

export async function request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, options: { quietAuth?: boolean } = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${API}${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (cause) {
    throw new ApiError(0, 'NETWORK', 'The console server could not be reached.', undefined, cause);
  }
  if (!res.ok) {
    const error = await toError(res);
    if (res.status === 401 && !options.quietAuth) onSignedOut?.();
    throw error;
  }
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request('GET', path)).json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await request('POST', path, body);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
