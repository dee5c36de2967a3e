// C2SP tlog-tiles resource names (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`) parsed back into coordinates.
import { TILE_WIDTH } from '@palisade/audit-core';

export interface TileName {
  kind: 'tile' | 'entries';
  level: number;
  index: number;
  /** 256 for a full tile or bundle. */
  width: number;
}

/** "x001/x234/067" -> 1234067; null when not in the canonical tlog-tiles form. */
function parseIndexPath(parts: readonly string[]): number | null {
  if (parts.length === 0) return null;
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const m = (last ? /^([0-9]{3})$/ : /^x([0-9]{3})$/).exec(parts[i]!);
    if (!m) return null;
    n = n * 1000 + Number(m[1]);
  }
  return Number.isSafeInteger(n) ? n : null;
}

/** The coordinates a path (split at '/', starting with "tile") names, or null when it names no tile or bundle. */
export function parseTileName(segments: readonly string[]): TileName | null {
  if (segments[0] !== 'tile' || segments.length < 3) return null;
  let rest = segments.slice(1);
  let kind: 'tile' | 'entries' = 'tile';
  let level = 0;
  if (rest[0] === 'entries') {
    kind = 'entries';
    rest = rest.slice(1);
  } else {
    if (!/^(0|[1-9][0-9]?)$/.test(rest[0]!) || Number(rest[0]) > 63) return null;
    level = Number(rest[0]);
    rest = rest.slice(1);
  }
  let width = TILE_WIDTH;
  const last = rest[rest.length - 1] ?? '';
  if (rest.length >= 2 && rest[rest.length - 2]!.endsWith('.p')) {
    if (!/^[1-9][0-9]{0,2}$/.test(last) || Number(last) > 255) return null;
    width = Number(last);
    rest = [...rest.slice(0, -2), rest[rest.length - 2]!.slice(0, -2)];
  }
  const index = parseIndexPath(rest);
  return index === null ? null : { kind, level, index, width };
}
