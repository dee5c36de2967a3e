// How values read on the pages: times in the reader's zone with the UTC instant alongside.

export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatNumber(n: number | undefined, digits = 0): string {
  return n === undefined ? '—' : n.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatUsd(n: number | undefined): string {
  return n === undefined ? '—' : `$${n.toLocaleString(undefined, { maximumFractionDigits: 6, minimumFractionDigits: 2 })}`;
}

export function shortHash(text: string, keep = 16): string {
  return text.length > keep + 1 ? `${text.slice(0, keep)}…` : text;
}

/** ISO instant → the value of an <input type="datetime-local"> in the reader's zone. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
