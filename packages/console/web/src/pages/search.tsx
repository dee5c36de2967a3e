// Search: filters kept in the address (so a search can be bookmarked and shared), results sorted
// by time, cursor paging, and export of selected decisions or of the whole query.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, query } from '../api/client.js';
import { FILTER_NAMES, type DecisionPage, type Filters } from '../api/types.js';
import { DecisionTable } from '../components/decision-table.js';
import { downloadPost } from '../components/download.js';
import { ErrorNotice, Loading } from '../components/error-notice.js';
import { asApiError, useApi } from '../components/use-api.js';
import { fromLocalInput, toLocalInput } from '../format.js';
import { href, navigate, type Location } from '../router.js';
import type { ApiError } from '../api/client.js';

const PAGE_SIZE = 50;

interface TextFilter {
  name: Exclude<(typeof FILTER_NAMES)[number], 'from' | 'to' | 'outcome'>;
  label: string;
  hint?: string;
}

const TEXT_FILTERS: TextFilter[] = [
  { name: 'sub', label: 'Person', hint: 'subject, e.g. alice@example.com' },
  { name: 'tenant', label: 'Tenant' },
  { name: 'app', label: 'Application' },
  { name: 'model', label: 'Model' },
  { name: 'provider', label: 'Provider' },
  { name: 'reason', label: 'Reason code', hint: 'e.g. pii_requires_pii_reader' },
  { name: 'data_class', label: 'Data class', hint: 'e.g. US_SSN or PII' },
  { name: 'bundle', label: 'Bundle revision' },
  { name: 'decision_id', label: 'Decision id' },
];

function filtersFrom(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const name of FILTER_NAMES) {
    const v = params.get(name);
    if (v) filters[name] = v;
  }
  return filters;
}

// The server stops counting at 1,000 (docs/console-api.md) so that a broad search stays fast; below that the count is exact.
const ESTIMATE_CAP = 1_000;

function estimate(total: number): string {
  return total >= ESTIMATE_CAP ? `${ESTIMATE_CAP.toLocaleString()} or more` : total.toLocaleString();
}

function exportName(now = new Date()): string {
  return `palisade-evidence-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
}

function FilterForm({ initial, order }: { initial: Filters; order: string }): JSX.Element {
  const [draft, setDraft] = useState<Filters>(initial);
  const [sort, setSort] = useState(order);
  useEffect(() => {
    setDraft(initial);
    setSort(order);
  }, [JSON.stringify(initial), order]);
  const set = (name: keyof Filters, value: string): void => setDraft({ ...draft, [name]: value });
  const submit = (event: Event): void => {
    event.preventDefault();
    const params: Record<string, string | undefined> = { order: sort === 'asc' ? 'asc' : undefined };
    for (const [name, value] of Object.entries(draft)) params[name] = value?.trim() || undefined;
    navigate(href('search', params));
  };
  return (
    <form class="card filters" onSubmit={submit} role="search" aria-label="Decisions">
      <fieldset>
        <legend>Time range</legend>
        <div class="field">
          <label for="f-from">From</label>
          <input id="f-from" type="datetime-local" value={toLocalInput(draft.from)} onChange={(e) => set('from', fromLocalInput(e.currentTarget.value) ?? '')} />
        </div>
        <div class="field">
          <label for="f-to">To</label>
          <input id="f-to" type="datetime-local" value={toLocalInput(draft.to)} onChange={(e) => set('to', fromLocalInput(e.currentTarget.value) ?? '')} />
        </div>
      </fieldset>
      <fieldset>
        <legend>Who, what and how it was decided</legend>
        {TEXT_FILTERS.map((f) => (
          <div class="field" key={f.name}>
            <label for={`f-${f.name}`}>{f.label}</label>
            <input
              id={`f-${f.name}`}
              type="text"
              autocomplete="off"
              spellcheck={false}
              value={draft[f.name] ?? ''}
              onInput={(e) => set(f.name, e.currentTarget.value)}
              aria-describedby={f.hint ? `f-${f.name}-hint` : undefined}
            />
            {f.hint ? (
              <span class="hint" id={`f-${f.name}-hint`}>
                {f.hint}
              </span>
            ) : null}
          </div>
        ))}
        <div class="field">
          <label for="f-outcome">Outcome</label>
          <select id="f-outcome" value={draft.outcome ?? ''} onChange={(e) => set('outcome', e.currentTarget.value)}>
            <option value="">Any</option>
            <option value="allowed">Allowed</option>
            <option value="denied">Denied</option>
            <option value="redacted">Redacted</option>
            <option value="error">Error</option>
          </select>
        </div>
        <div class="field">
          <label for="f-order">Order</label>
          <select id="f-order" value={sort} onChange={(e) => setSort(e.currentTarget.value)}>
            <option value="desc">Newest first</option>
            <option value="asc">Oldest first</option>
          </select>
        </div>
      </fieldset>
      <div class="actions">
        <button type="submit" class="button button-primary">
          Search
        </button>
        <button type="button" class="button" onClick={() => navigate(href('search'))}>
          Clear filters
        </button>
      </div>
    </form>
  );
}

export function SearchPage({ location }: { location: Location }): JSX.Element {
  const filters = filtersFrom(location.params);
  const order = location.params.get('order') === 'asc' ? 'asc' : 'desc';
  const filterKey = JSON.stringify([filters, order]);
  // The cursor of this page and of the pages before it (so "Previous page" needs no server support),
  // valid only for the filters they were fetched with.
  const [paging, setPaging] = useState<{ key: string; cursor?: string; before: string[] }>({ key: filterKey, before: [] });
  const { cursor, before: cursors } = paging.key === filterKey ? paging : { cursor: undefined, before: [] as string[] };
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [exportState, setExportState] = useState<{ busy: boolean; done?: string; error?: ApiError }>({ busy: false });
  useEffect(() => {
    document.title = 'Search · Palisade audit console';
  }, []);

  const [page] = useApi(`${filterKey} ${cursor ?? ''}`, () =>
    getJson<DecisionPage>(`/decisions${query({ ...filters, order, limit: PAGE_SIZE, cursor })}`),
  );

  const toggle = (id: string, on: boolean): void => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const exportBody = async (body: unknown): Promise<void> => {
    setExportState({ busy: true });
    try {
      const name = await downloadPost('/export', body, exportName());
      setExportState({ busy: false, done: `Downloaded ${name}.` });
    } catch (error) {
      setExportState({ busy: false, error: asApiError(error) });
    }
  };

  return (
    <main id="main">
      <h1>Search decisions</h1>
      <FilterForm initial={filters} order={order} />
      <section aria-labelledby="results-heading">
        <h2 id="results-heading">Results</h2>
        <div class="actions export-actions">
          <button type="button" class="button" disabled={selected.size === 0 || exportState.busy} onClick={() => void exportBody({ decision_ids: [...selected] })}>
            Export selected ({selected.size})
          </button>
          <button type="button" class="button" disabled={exportState.busy} onClick={() => void exportBody({ query: filters })}>
            Export this query
          </button>
          <span aria-live="polite">
            {exportState.busy ? 'Preparing the evidence package…' : null}
            {exportState.done ?? null}
          </span>
        </div>
        {exportState.error ? <ErrorNotice error={exportState.error} title="Export failed" /> : null}
        {page.state === 'loading' ? <Loading what="decisions" /> : null}
        {page.state === 'error' ? <ErrorNotice error={page.error} title="The search failed" /> : null}
        {page.state === 'ok' ? (
          page.value.items.length === 0 ? (
            <p role="status">No decisions match these filters.</p>
          ) : (
            <>
              <DecisionTable
                items={page.value.items}
                caption={`Decisions ${cursors.length * PAGE_SIZE + 1}–${cursors.length * PAGE_SIZE + page.value.items.length} of ${estimate(page.value.total_estimate)}, ${order === 'asc' ? 'oldest' : 'newest'} first`}
                selected={selected}
                onToggle={toggle}
              />
              <nav class="pager" aria-label="Result pages">
                <button
                  type="button"
                  class="button"
                  disabled={cursors.length === 0}
                  onClick={() => setPaging({ key: filterKey, cursor: cursors.at(-1) || undefined, before: cursors.slice(0, -1) })}
                >
                  Previous page
                </button>
                <button
                  type="button"
                  class="button"
                  disabled={!page.value.next_cursor}
                  onClick={() => setPaging({ key: filterKey, cursor: page.value.next_cursor ?? undefined, before: [...cursors, cursor ?? ''] })}
                >
                  Next page
                </button>
              </nav>
            </>
          )
        ) : null}
      </section>
    </main>
  );
}
