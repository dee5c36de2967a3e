// Overview: decisions over time by outcome, denials by reason, data classes seen, top people and
// models, the bundles that decided, and the candidate bundles evaluated beside them.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, query } from '../api/client.js';
import type { Overview, ShadowRevision } from '../api/types.js';
import { ChartView } from '../charts/chart-view.js';
import { ErrorNotice, Loading } from '../components/error-notice.js';
import { useApi } from '../components/use-api.js';
import { formatTime, fromLocalInput, shortHash, toLocalInput } from '../format.js';
import { Link, href, navigate, type Location } from '../router.js';

// Colours keep at least 3:1 contrast against white and are also told apart by the legend's words.
const COLORS = { allowed: '#1b7f3b', denied: '#b42318', redacted: '#9a6700', error: '#52606d', neutral: '#1d4ed8' };

function bucketLabel(bucket: string): string {
  const d = new Date(bucket);
  return Number.isNaN(d.getTime()) ? bucket : d.toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

function Period({ from, to }: { from?: string; to?: string }): JSX.Element {
  const [f, setF] = useState(from ?? '');
  const [t, setT] = useState(to ?? '');
  return (
    <form
      class="card filters period"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(href('', { from: f || undefined, to: t || undefined }));
      }}
    >
      <div class="field">
        <label for="o-from">From</label>
        <input id="o-from" type="datetime-local" value={toLocalInput(f)} onChange={(e) => setF(fromLocalInput(e.currentTarget.value) ?? '')} />
      </div>
      <div class="field">
        <label for="o-to">To</label>
        <input id="o-to" type="datetime-local" value={toLocalInput(t)} onChange={(e) => setT(fromLocalInput(e.currentTarget.value) ?? '')} />
      </div>
      <button type="submit" class="button">
        Show period
      </button>
    </form>
  );
}

function Charts({ o }: { o: Overview }): JSX.Element {
  const active = [...o.bundles].sort((a, b) => b.last_seen.localeCompare(a.last_seen))[0];
  return (
    <>
      <div class="chart-grid">
        <ChartView
          id="by-time"
          title="Decisions over time by outcome"
          labels={o.by_time.map((b) => bucketLabel(b.bucket))}
          stacked
          series={(['allowed', 'denied', 'redacted', 'error'] as const).map((k) => ({
            label: k[0]!.toUpperCase() + k.slice(1),
            data: o.by_time.map((b) => b[k]),
            color: COLORS[k],
          }))}
        />
        <ChartView
          id="denials"
          title="Denials by reason code"
          horizontal
          labels={o.denials_by_reason.map((r) => r.reason)}
          series={[{ label: 'Denials', data: o.denials_by_reason.map((r) => r.count), color: COLORS.denied }]}
        />
        <ChartView
          id="classes"
          title="Data classes seen"
          horizontal
          labels={o.data_classes.map((c) => c.type)}
          series={[{ label: 'Decisions', data: o.data_classes.map((c) => c.count), color: COLORS.neutral }]}
        />
        <ChartView
          id="models"
          title="Top models"
          horizontal
          labels={o.top_models.map((m) => m.model)}
          series={[{ label: 'Decisions', data: o.top_models.map((m) => m.count), color: COLORS.neutral }]}
        />
      </div>
      <div class="record-grid">
        <section class="card" aria-labelledby="people-heading">
          <h2 id="people-heading">Top people</h2>
          {o.top_subjects.length ? (
            <ol>
              {o.top_subjects.map((s) => (
                <li key={s.sub}>
                  <Link href={href(`subjects/${encodeURIComponent(s.sub)}`)}>{s.sub}</Link>: {s.count} decisions
                </li>
              ))}
            </ol>
          ) : (
            <p>Nobody in this period.</p>
          )}
        </section>
        <section class="card" aria-labelledby="bundles-heading">
          <h2 id="bundles-heading">Policy bundles</h2>
          {active ? (
            <p>
              Active: <code class="code">{shortHash(active.revision, 24)}</code> (last decided {formatTime(active.last_seen)}).
            </p>
          ) : (
            <p>No bundle decided anything in this period.</p>
          )}
          {o.bundles.length ? (
            <div class="table-wrap">
              <table class="compact">
                <caption>Bundle history</caption>
                <thead>
                  <tr>
                    <th scope="col">Revision</th>
                    <th scope="col">Digest</th>
                    <th scope="col">Active from (first decision)</th>
                    <th scope="col">Last decision</th>
                    <th scope="col">Decisions</th>
                  </tr>
                </thead>
                <tbody>
                  {o.bundles.map((b) => (
                    <tr key={b.revision}>
                      <td>
                        <Link href={href('search', { bundle: b.revision })}>
                          <span class="visually-hidden">Decisions by bundle revision </span>
                          <code class="code">{shortHash(b.revision, 24)}</code>
                        </Link>
                      </td>
                      <td>
                        <code class="code">{shortHash(b.digest, 24)}</code>
                      </td>
                      <td>{formatTime(b.first_seen)}</td>
                      <td>{formatTime(b.last_seen)}</td>
                      <td>{b.decisions}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      </div>
      <ShadowResults shadows={o.shadow_bundles} />
    </>
  );
}

function ShadowResults({ shadows }: { shadows: ShadowRevision[] }): JSX.Element {
  return (
    <section class="card" aria-labelledby="shadow-heading">
      <h2 id="shadow-heading">Shadow bundles</h2>
      {shadows.length ? (
        <div class="table-wrap">
          <table class="compact">
            <caption>Shadow results: how often a candidate bundle would have decided otherwise than the enforced one</caption>
            <thead>
              <tr>
                <th scope="col">Bundle</th>
                <th scope="col">Revision</th>
                <th scope="col">First evaluated</th>
                <th scope="col">Last evaluated</th>
                <th scope="col">Decisions evaluated</th>
                <th scope="col">Differed</th>
                <th scope="col">Enforced allowed, shadow denied</th>
                <th scope="col">Enforced denied, shadow allowed</th>
              </tr>
            </thead>
            <tbody>
              {shadows.map((s) => (
                <tr key={`${s.bundle} ${s.revision}`}>
                  <td>{s.bundle}</td>
                  <td>
                    <code class="code">{shortHash(s.revision, 24)}</code>
                  </td>
                  <td>{formatTime(s.first_seen)}</td>
                  <td>{formatTime(s.last_seen)}</td>
                  <td>{s.evaluated}</td>
                  <td>{s.differed}</td>
                  <td>{s.enforced_allow_shadow_deny}</td>
                  <td>{s.enforced_deny_shadow_allow}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No shadow bundle was evaluated in this period.</p>
      )}
    </section>
  );
}

export function OverviewPage({ location }: { location: Location }): JSX.Element {
  const from = location.params.get('from') ?? undefined;
  const to = location.params.get('to') ?? undefined;
  const [overview] = useApi(`${from} ${to}`, () => getJson<Overview>(`/overview${query({ from, to })}`));
  useEffect(() => {
    document.title = 'Overview · Palisade audit console';
    // The chart code loads while the figures are fetched, not after them.
    void import('../charts/chart-setup.js');
  }, []);
  return (
    <main id="main">
      <h1>Overview</h1>
      <Period from={from} to={to} />
      {overview.state === 'loading' ? <Loading what="the overview" /> : null}
      {overview.state === 'error' ? <ErrorNotice error={overview.error} title="The overview could not be loaded" /> : null}
      {overview.state === 'ok' ? <Charts o={overview.value} /> : null}
    </main>
  );
}
