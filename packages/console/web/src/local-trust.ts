// What this browser trusts and remembers, in localStorage: the pinned verifier keys, and the last
// checkpoint it verified for each log origin (to prove later that the log only grew).
import { parseVerifierKey, type NoteVerifierKey } from './verify/note-key.js';
import type { SeenCheckpoint } from './verify/append-only.js';

const PINS = 'palisade.console.pinned-keys';
const SEEN = 'palisade.console.seen-checkpoint:';

function readJson(key: string): unknown {
  try {
    const text = window.localStorage.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

export function pinnedKeyTexts(): string[] {
  const value = readJson(PINS);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The pinned keys that parse; a damaged entry is left out rather than trusted. */
export async function pinnedKeys(): Promise<NoteVerifierKey[]> {
  const keys: NoteVerifierKey[] = [];
  for (const text of pinnedKeyTexts()) {
    try {
      keys.push(await parseVerifierKey(text));
    } catch {
      // A key that no longer parses verifies nothing.
    }
  }
  return keys;
}

/** Pins a key after checking it; throws KeyTextError when the text is not a valid verifier key. */
export async function pinKey(text: string): Promise<NoteVerifierKey> {
  const key = await parseVerifierKey(text);
  const texts = pinnedKeyTexts();
  if (!texts.includes(key.vkey)) window.localStorage.setItem(PINS, JSON.stringify([...texts, key.vkey]));
  return key;
}

export function unpinKey(vkey: string): void {
  window.localStorage.setItem(PINS, JSON.stringify(pinnedKeyTexts().filter((t) => t !== vkey)));
}

export function lastSeen(origin: string): SeenCheckpoint | undefined {
  const value = readJson(SEEN + origin);
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Partial<SeenCheckpoint>;
  if (typeof v.origin !== 'string' || typeof v.size !== 'number' || typeof v.root !== 'string' || typeof v.seen_at !== 'string') return undefined;
  return { origin: v.origin, size: v.size, root: v.root, seen_at: v.seen_at };
}

export function rememberSeen(seen: SeenCheckpoint): void {
  window.localStorage.setItem(SEEN + seen.origin, JSON.stringify(seen));
}
