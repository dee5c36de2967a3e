// Console sessions, kept in memory: a random id in an HttpOnly cookie, a CSRF token, 30 minutes idle and 8 hours at most.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsolePerson } from './options.js';

export const SESSION_COOKIE = 'palisade_console';
export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 8 * 3_600_000;

export interface Session {
  id: string;
  csrf: string;
  person: ConsolePerson;
  createdMs: number;
  lastSeenMs: number;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(readonly clock: () => number) {}

  create(person: ConsolePerson): Session {
    const now = this.clock();
    const session: Session = { id: randomBytes(32).toString('base64url'), csrf: randomBytes(32).toString('base64url'), person, createdMs: now, lastSeenMs: now };
    this.#sweep(now);
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its idle time renewed; expired ones are dropped. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    const now = this.clock();
    if (this.#expired(session, now)) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.lastSeenMs = now;
    return session;
  }

  expiresAt(session: Session): number {
    return Math.min(session.lastSeenMs + IDLE_MS, session.createdMs + ABSOLUTE_MS);
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  #expired(s: Session, now: number): boolean {
    return now >= this.expiresAt(s);
  }

  #sweep(now: number): void {
    for (const [id, s] of this.#sessions) if (this.#expired(s, now)) this.#sessions.delete(id);
  }
}

/** The session id from a Cookie header. */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(id: string, secure: boolean, maxAgeS: number): string {
  return `${SESSION_COOKIE}=${id}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}
