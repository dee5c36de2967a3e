// Reads the `--expires` argument of `palisade keys create`: a lifetime (`30d`, `12h`, `2w`) or an
// RFC 3339 time.

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 365 * 86_400_000 };

/** The expiry time for `text` counted from `now`, or undefined when `text` is neither form. */
export function parseExpiry(text: string, now: number): Date | undefined {
  const m = /^(\d{1,6})([smhdwy])$/.exec(text.trim());
  if (m) {
    const ms = Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    return ms > 0 ? new Date(now + ms) : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : new Date(at);
}
