// A table of decision summaries, newest first unless the query says otherwise; each row links to
// its record, and rows can be selected for export.
import type { JSX } from 'preact';
import type { DecisionSummary } from '../api/types.js';
import { formatTime, shortHash } from '../format.js';
import { Link, href } from '../router.js';
import { OutcomeBadge } from './outcome-badge.js';

interface Props {
  items: DecisionSummary[];
  caption: string;
  selected?: ReadonlySet<string>;
  onToggle?: (id: string, on: boolean) => void;
  /** Leaves out the person column where the page is about one person. */
  hidePerson?: boolean;
}

/** Bundle revisions are long digests; eight hex digits tell them apart in a list. */
function shortRevision(revision: string): string {
  return shortHash(revision.replace(/^sha256:/, ''), 8);
}

export function DecisionTable({ items, caption, selected, onToggle, hidePerson = false }: Props): JSX.Element {
  const selectable = selected !== undefined && onToggle !== undefined;
  return (
    <div class="table-wrap">
      <table class="decisions">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {selectable ? (
              <th scope="col">
                <span class="visually-hidden">Select</span>
              </th>
            ) : null}
            <th scope="col">Time</th>
            {hidePerson ? null : <th scope="col">Person</th>}
            <th scope="col">Tenant</th>
            <th scope="col">Application</th>
            <th scope="col">Model</th>
            <th scope="col">Outcome</th>
            <th scope="col">Reasons</th>
            <th scope="col">Data classes</th>
            <th scope="col">Bundle</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.decision_id}>
              {selectable ? (
                <td>
                  <input
                    type="checkbox"
                    id={`select-${d.decision_id}`}
                    aria-label={`Select decision ${d.decision_id}`}
                    checked={selected.has(d.decision_id)}
                    onChange={(e) => onToggle(d.decision_id, e.currentTarget.checked)}
                  />
                </td>
              ) : null}
              <td>
                <Link href={href(`decisions/${encodeURIComponent(d.decision_id)}`)} aria-label={`Decision ${d.decision_id} at ${formatTime(d.time)}`}>
                  <time dateTime={d.time}>{formatTime(d.time)}</time>
                </Link>
              </td>
              {hidePerson ? null : (
                <td>
                  <Link href={href(`subjects/${encodeURIComponent(d.sub)}`)}>{d.sub}</Link>
                </td>
              )}
              <td>{d.tenant ?? '—'}</td>
              <td>{d.app ?? '—'}</td>
              <td>{[d.model, d.provider].filter(Boolean).join(' · ') || '—'}</td>
              <td>
                <OutcomeBadge outcome={d.outcome} />
              </td>
              <td>{d.reasons.length ? d.reasons.map((r) => <code class="code" key={r}>{r}</code>) : '—'}</td>
              <td>{d.data_classes.length ? d.data_classes.join(', ') : '—'}</td>
              <td>{d.bundle_revision ? <code class="code" title={d.bundle_revision}>{shortRevision(d.bundle_revision)}</code> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
