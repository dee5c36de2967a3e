// The decision search filters, read from a query string or an export's query object; a malformed filter is the caller's mistake (400).
import { ConsoleError } from './errors.js';
import { OUTCOMES, type Outcome } from './record-summary.js';

export interface DecisionFilter {
  fromMs?: number;
  toMs?: number;
  sub?: string;
  tenant?: string;
  app?: string;
  model?: string;
  provider?: string;
  outcome?: Outcome;
  reason?: string;
  dataClass?: string;
  bundle?: string;
  decisionId?: string;
  order: 'desc' | 'asc';
  limit: number;
  cursor?: string;
}

const TEXT_FILTERS = { sub: 'sub', tenant: 'tenant', app: 'app', model: 'model', provider: 'provider', reason: 'reason', data_class: 'dataClass', bundle: 'bundle', decision_id: 'decisionId' } as const;
const KNOWN = new Set(['from', 'to', 'outcome', 'order', 'limit', 'cursor', ...Object.keys(TEXT_FILTERS)]);
export const MAX_LIMIT = 200;
const MAX_TEXT = 512;

function bad(detail: string): ConsoleError {
  return new ConsoleError('CON_ERR_BAD_REQUEST', { detail });
}

function time(name: string, text: string): number {
  // Only full ISO 8601 timestamps: Date.parse would accept forms whose meaning depends on the server's time zone.
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) throw bad(`"${name}" must be an ISO 8601 time, e.g. 2026-01-02T03:04:05Z.`);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw bad(`"${name}" is not a valid time.`);
  return ms;
}

/** Reads filters from name/value pairs; unknown names are refused so a misspelt filter never widens a search silently. */
export function parseFilter(entries: Iterable<[string, string]>, defaults: { limit: number } = { limit: 50 }): DecisionFilter {
  const filter: DecisionFilter = { order: 'desc', limit: defaults.limit };
  for (const [name, value] of entries) {
    if (!KNOWN.has(name)) throw bad(`Unknown filter "${name}".`);
    if (value === '') continue;
    if (value.length > MAX_TEXT) throw bad(`"${name}" is longer than ${MAX_TEXT} characters.`);
    if (name === 'from') filter.fromMs = time(name, value);
    else if (name === 'to') filter.toMs = time(name, value);
    else if (name === 'outcome') {
      if (!(OUTCOMES as readonly string[]).includes(value)) throw bad(`"outcome" is one of ${OUTCOMES.join(', ')}.`);
      filter.outcome = value as Outcome;
    } else if (name === 'order') {
      if (value !== 'asc' && value !== 'desc') throw bad('"order" is asc or desc.');
      filter.order = value;
    } else if (name === 'limit') {
      if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIMIT) throw bad(`"limit" is 1 to ${MAX_LIMIT}.`);
      filter.limit = Number(value);
    } else if (name === 'cursor') filter.cursor = value;
    else filter[TEXT_FILTERS[name as keyof typeof TEXT_FILTERS]] = value;
  }
  if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.fromMs > filter.toMs) throw bad('"from" is after "to".');
  return filter;
}

/** The filter as the name/value pairs a user gave, for the console-action record. */
export function filterQuery(entries: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of entries) if (name !== 'cursor' && value !== '') out[name] = value;
  return out;
}
