// Puts the values back where the answer repeats a request's placeholders: in one pass, longest
// placeholder first (so "<PERSON_12>" is never read as "<PERSON_1>" and a stray "2>"), for a whole
// answer or incrementally for a streamed one, holding back a tail that may be the start of a
// placeholder split across chunks.

import { GatewayError } from '../errors.js';
import type { PlaceholderMap } from './placeholder-map.js';

export interface Restorer {
  /** Returns the restored text that is safe to send now. */
  push(chunk: string): string;
  /** Returns whatever was held back, restored. */
  end(): string;
  /** Whether pushing `chunk` now would leave a tail held back (the start of a placeholder). */
  holds(chunk: string): boolean;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(map: PlaceholderMap): RegExp | null {
  if (map.entries.size === 0) return null;
  const keys = [...map.entries.keys()].sort((a, b) => b.length - a.length);
  return new RegExp(keys.map(escape).join('|'), 'g');
}

function replaceAll(text: string, pattern: RegExp | null, map: PlaceholderMap): string {
  if (pattern === null || text.indexOf('<') < 0) return text;
  pattern.lastIndex = 0;
  return text.replace(pattern, (placeholder) => map.entries.get(placeholder) ?? placeholder);
}

/** Restores every placeholder of `map` in a whole answer. */
export function restore(text: string, map: PlaceholderMap): string {
  return replaceAll(text, compile(map), map);
}

export function createRestorer(map: PlaceholderMap): Restorer {
  const pattern = compile(map);
  const placeholders = [...map.entries.keys()];
  const longest = placeholders.reduce((n, p) => Math.max(n, p.length), 0);
  let pending = '';
  let ended = false;

  /** Start of the shortest tail of `text` that is a proper prefix of some placeholder, or text.length. */
  function holdFrom(text: string): number {
    const from = Math.max(0, text.length - longest + 1);
    for (let i = text.indexOf('<', from); i >= 0; i = text.indexOf('<', i + 1)) {
      const tail = text.slice(i);
      if (placeholders.some((p) => p.length > tail.length && p.startsWith(tail))) return i;
    }
    return text.length;
  }

  return {
    push(chunk: string): string {
      if (ended) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'restorer: push after end.' });
      if (pattern === null) return chunk;
      pending += chunk;
      const cut = holdFrom(pending);
      const ready = pending.slice(0, cut);
      pending = pending.slice(cut);
      return replaceAll(ready, pattern, map);
    },
    holds(chunk: string): boolean {
      if (pattern === null) return false;
      const text = pending + chunk;
      return holdFrom(text) < text.length;
    },
    end(): string {
      ended = true;
      const rest = replaceAll(pending, pattern, map);
      pending = '';
      return rest;
    },
  };
}
