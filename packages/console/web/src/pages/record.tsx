// One decision and its outcome told as one story: who asked (and on whose behalf), what the prompt
// held (types and counts, never values), which bundle decided and why, what was redacted, and what
// came back; with its proof, checked in this browser.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { getJson } from '../api/client.js';
import type { AuditRecord, DecisionDetail } from '../api/types.js';
import { DecisionTable } from '../components/decision-table.js';
import { ErrorNotice, Loading } from '../components/error-notice.js';
import { OutcomeBadge } from '../components/outcome-badge.js';
import { useApi } from '../components/use-api.js';
import { VerifyPanel } from '../components/verify-panel.js';
import { formatNumber, formatTime, formatUsd } from '../format.js';
import { Link, href } from '../router.js';

/** The same reading of a decision as the search's outcome column. */
function outcomeOf(decision: AuditRecord | null, outcome: AuditRecord | null): string {
  if (decision?.policy?.error) return 'error';
  if (decision?.policy && !decision.policy.allow) return 'denied';
  if (decision?.error || outcome?.outcome?.error || (outcome?.outcome && outcome.outcome.status >= 400)) return 'error';
  const redacted = { ...decision?.redaction?.redacted, ...outcome?.redaction?.redacted };
  if (Object.values(redacted).some((n) => n > 0)) return 'redacted';
  return 'allowed';
}

function Fact({ term, children }: { term: string; children: ComponentChildren }): JSX.Element {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Who({ r }: { r: AuditRecord }): JSX.Element {
  const p = r.principal;
  const actors = p.actor ?? [];
  return (
    <section class="card" aria-labelledby="who-heading">
      <h2 id="who-heading">Who asked</h2>
      {actors.length ? (
        <>
          <p>Delegation chain, the direct caller first:</p>
          <ol class="actor-chain">
            {actors.map((a, i) => (
              <li key={i}>
                <strong>{a.sub}</strong>
                {a.client_id ? ` (client ${a.client_id})` : ''}
                {a.iss ? `, vouched for by ${a.iss}` : ''} acting on behalf of
              </li>
            ))}
            <li>
              <strong>{p.sub}</strong>
            </li>
          </ol>
        </>
      ) : null}
      <dl class="facts">
        <Fact term="Person">
          <Link href={href(`subjects/${encodeURIComponent(p.sub)}`)}>{p.sub}</Link>
        </Fact>
        <Fact term="Vouched for by">{p.iss}</Fact>
        <Fact term="Identified by">{p.auth}{p.credential_id ? ` (credential ${p.credential_id})` : ''}</Fact>
        <Fact term="Tenant">{p.tenant ?? '—'}</Fact>
        <Fact term="Application">{p.app ?? '—'}</Fact>
        <Fact term="Roles">{p.roles.length ? p.roles.join(', ') : 'none'}</Fact>
        <Fact term="Request">
          {r.request.api} <code class="code">{r.request.route}</code>
          {r.request.stream ? ', streamed' : ''}
        </Fact>
        <Fact term="Model asked for">{r.request.model_requested ?? '—'}</Fact>
        <Fact term="Gateway">{r.gateway_id}</Fact>
      </dl>
    </section>
  );
}

function Classified({ r, title, id }: { r: AuditRecord; title: string; id: string }): JSX.Element | null {
  const c = r.classification;
  if (!c) return null;
  const entities = Object.entries(c.entities);
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p>
        Data classes: {c.labels.length ? c.labels.map((l) => <span class="tag" key={l}>{l}</span>) : 'none found'}. Only types and counts are recorded, never
        the values.
      </p>
      {entities.length ? (
        <table class="compact">
          <caption class="visually-hidden">Entities found</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Count</th>
              <th scope="col">Highest score</th>
            </tr>
          </thead>
          <tbody>
            {entities.map(([type, e]) => (
              <tr key={type}>
                <th scope="row">{type}</th>
                <td>{e.count}</td>
                <td>{formatNumber(e.max_score, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p>
        Prompt injection: {c.injection.detected ? <strong>detected</strong> : 'not detected'} (score {formatNumber(c.injection.score, 2)}
        {c.injection.signals.length ? `; signals: ${c.injection.signals.join(', ')}` : ''}).
      </p>
    </section>
  );
}

function Policy({ r, title, id, what }: { r: AuditRecord; title: string; id: string; what: 'request' | 'answer' }): JSX.Element | null {
  const p = r.policy;
  if (!p) return null;
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p class="verdict-line">
        The policy <strong>{p.allow ? 'allowed' : 'denied'}</strong> the {what}
        {p.reasons.length ? ' because:' : '.'}
      </p>
      {p.reasons.length ? (
        <ul class="reasons">
          {p.reasons.map((reason, i) => (
            <li key={i}>
              <code class="code">{reason.code}</code> {reason.message ?? ''}
            </li>
          ))}
        </ul>
      ) : null}
      {p.error ? (
        <p>
          The policy could not decide (<code class="code">{p.error}</code>), so the {what} was denied.
        </p>
      ) : null}
      <dl class="facts">
        <Fact term="Bundle">{p.bundle}</Fact>
        <Fact term="Revision">
          <Link href={href('search', { bundle: p.revision })}>
            <code class="code">{p.revision}</code>
          </Link>
        </Fact>
        <Fact term="Digest">
          <code class="code">{p.digest}</code>
        </Fact>
        <Fact term="Rule">
          <code class="code">{p.entrypoint}</code>
        </Fact>
        {p.shadow ? (
          <Fact term="Candidate bundle">
            {p.shadow.bundle} {p.shadow.revision} would have {p.shadow.allow ? 'allowed' : 'denied'}
            {p.shadow.differs ? ' (differs)' : ' (same)'}
          </Fact>
        ) : null}
      </dl>
    </section>
  );
}

function Redaction({ r, title, id }: { r: AuditRecord; title: string; id: string }): JSX.Element | null {
  const red = r.redaction;
  if (!red) return null;
  const counts = Object.entries(red.redacted ?? {});
  const ops = Object.entries(red.operators ?? {});
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {counts.length ? (
        <ul>
          {counts.map(([type, n]) => (
            <li key={type}>
              {n} × {type}
              {red.operators?.[type] ?? red.operators?.['*'] ? ` (${red.operators[type] ?? red.operators['*']})` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nothing was replaced{ops.length ? ` (operators: ${ops.map(([t, o]) => `${t} → ${o}`).join(', ')})` : ''}.</p>
      )}
      {red.restored !== undefined ? <p>{red.restored} placeholders were put back into the answer.</p> : null}
    </section>
  );
}

function OutcomeFacts({ r }: { r: AuditRecord }): JSX.Element | null {
  const o = r.outcome;
  if (!o) return null;
  return (
    <section class="card" aria-labelledby="outcome-heading">
      <h2 id="outcome-heading">What came back</h2>
      <dl class="facts">
        <Fact term="Status">{o.status}</Fact>
        <Fact term="Provider and model">{[o.provider, o.model].filter(Boolean).join(' · ') || '—'}</Fact>
        <Fact term="Tokens">
          {o.usage ? `${formatNumber(o.usage.prompt_tokens)} in, ${formatNumber(o.usage.completion_tokens)} out, ${formatNumber(o.usage.total_tokens)} total` : '—'}
        </Fact>
        <Fact term="Cost">{formatUsd(o.cost_usd)}</Fact>
        <Fact term="Latency">
          {formatNumber(o.latency_ms)} ms{o.ttfb_ms !== undefined ? ` (first byte after ${formatNumber(o.ttfb_ms)} ms)` : ''}
        </Fact>
        <Fact term="From cache">{o.cached ? 'yes' : 'no'}</Fact>
        {o.attempts?.length ? (
          <Fact term="Attempts">
            {o.attempts.map((a) => `${a.provider}${a.model ? `/${a.model}` : ''}${a.status ? ` ${a.status}` : ''}${a.error ? ` (${a.error})` : ''}`).join(' → ')}
          </Fact>
        ) : null}
        {o.error ? (
          <Fact term="Error">
            <code class="code">{o.error.code}</code> {o.error.message}
          </Fact>
        ) : null}
        <Fact term="Recorded">
          <time dateTime={r.timestamp}>{formatTime(r.timestamp)}</time>
        </Fact>
      </dl>
    </section>
  );
}

function Content({ d }: { d: DecisionDetail }): JSX.Element {
  const c = d.content;
  const sizes = [d.decision?.content?.request ? `prompt ${formatNumber(d.decision.content.request.bytes)} bytes` : '', d.outcome?.content?.response ? `answer ${formatNumber(d.outcome.content.response.bytes)} bytes` : '']
    .filter(Boolean)
    .join(', ');
  let body: JSX.Element;
  if (c === 'erased') body = <p>The subject's keys were erased: the content can no longer be read, and the record still verifies.</p>;
  else if (c === 'not_stored') body = <p>Only sizes and commitments were kept for this request (the policy did not ask to keep content).</p>;
  else if (c === 'forbidden') body = <p>Reading prompt and answer content needs the content-reader role as well.</p>;
  else
    body = (
      <>
        <p>Kept by the policy's audit settings; you see it because you hold the content-reader role.</p>
        {c.request !== null ? (
          <>
            <h3>Prompt</h3>
            <pre class="content">{c.request}</pre>
          </>
        ) : null}
        {c.response !== null ? (
          <>
            <h3>Answer</h3>
            <pre class="content">{c.response}</pre>
          </>
        ) : null}
      </>
    );
  return (
    <section class="card" aria-labelledby="content-heading">
      <h2 id="content-heading">Content</h2>
      {sizes ? <p>Sizes: {sizes}.</p> : null}
      {body}
    </section>
  );
}

export function RecordPage({ id }: { id: string }): JSX.Element {
  const [detail] = useApi(id, () => getJson<DecisionDetail>(`/decisions/${encodeURIComponent(id)}`));
  useEffect(() => {
    document.title = `Decision ${id} · Palisade audit console`;
  }, [id]);
  if (detail.state === 'loading')
    return (
      <main id="main">
        <h1>Decision</h1>
        <Loading what="the decision" />
      </main>
    );
  if (detail.state === 'error')
    return (
      <main id="main">
        <h1>Decision</h1>
        <ErrorNotice error={detail.error} title={`Decision ${id} could not be opened`} />
      </main>
    );
  const d = detail.value;
  const r = d.decision ?? d.outcome;
  if (!r)
    return (
      <main id="main">
        <h1>Decision {id}</h1>
        <p class="notice notice-error">The ledger holds no record of this decision.</p>
      </main>
    );
  const outcome = outcomeOf(d.decision, d.outcome);
  const classes = Object.entries(d.decision?.classification?.entities ?? {}).map(([type, e]) => (e.count > 1 ? `${e.count} × ${type}` : type));
  const reasons = d.decision?.policy?.reasons.map((x) => x.code) ?? [];
  const targets = [
    ...(d.decision && d.decision_entry ? [{ label: 'Decision record', entry: d.decision_entry, record: d.decision }] : []),
    ...(d.outcome && d.outcome_entry ? [{ label: 'Outcome record', entry: d.outcome_entry, record: d.outcome }] : []),
  ];
  return (
    <main id="main">
      <h1>
        Decision <code class="code">{r.decision_id}</code>
      </h1>
      <p class="story">
        <OutcomeBadge outcome={outcome} /> On <time dateTime={r.timestamp}>{formatTime(r.timestamp)}</time>, <strong>{r.principal.sub}</strong>
        {r.principal.actor?.length ? `, through ${r.principal.actor.map((a) => a.sub).join(' and ')},` : ''} asked for{' '}
        <strong>{r.request.model_requested ?? 'a model'}</strong>
        {r.principal.app ? ` from ${r.principal.app}` : ''}
        {classes.length ? ` with a prompt holding ${classes.join(', ')}` : ''}; the policy{' '}
        {d.decision?.policy ? (d.decision.policy.allow ? 'allowed it' : 'denied it') : 'was not reached'}
        {reasons.length ? ` (${reasons.join(', ')})` : ''}
        {d.outcome?.outcome ? ` and the answer came back with status ${d.outcome.outcome.status}` : ''}.
      </p>
      {d.decision ? null : <p class="notice notice-warning">The ledger holds only the outcome record of this decision.</p>}
      {r.error ? (
        <p class="notice notice-error">
          Refused before the policy: <code class="code">{r.error.code}</code> {r.error.message}
        </p>
      ) : null}
      <VerifyPanel targets={targets} />
      <div class="record-grid">
        <Who r={r} />
        {d.decision ? <Classified r={d.decision} title="What the prompt held" id="classified-heading" /> : null}
        {d.decision ? <Policy r={d.decision} title="How it was decided" id="policy-heading" what="request" /> : null}
        {d.decision ? <Redaction r={d.decision} title="What was redacted from the prompt" id="redaction-heading" /> : null}
        {d.outcome ? <OutcomeFacts r={d.outcome} /> : null}
        {d.outcome ? <Classified r={d.outcome} title="What the answer held" id="answer-classified-heading" /> : null}
        {d.outcome ? <Policy r={d.outcome} title="How the answer was decided" id="answer-policy-heading" what="answer" /> : null}
        {d.outcome ? <Redaction r={d.outcome} title="What was redacted from the answer" id="answer-redaction-heading" /> : null}
        <Content d={d} />
      </div>
      <section aria-labelledby="related-heading">
        <h2 id="related-heading">Other decisions by {r.principal.sub}</h2>
        <p>
          <Link href={href(`subjects/${encodeURIComponent(r.principal.sub)}`)}>All of {r.principal.sub}'s decisions</Link> ·{' '}
          <Link href={href('search', { sub: r.principal.sub })}>Search them</Link>
          {r.policy ? (
            <>
              {' '}
              · <Link href={href('search', { bundle: r.policy.revision })}>Decisions by the same bundle revision</Link>
            </>
          ) : null}
        </p>
        {d.related.same_sub.length ? (
          <DecisionTable items={d.related.same_sub} caption={`Up to 10 other decisions by ${r.principal.sub}`} hidePerson />
        ) : (
          <p>No other decisions by this person.</p>
        )}
      </section>
      <p class="ledger-ref">
        Ledger: {targets.map((t) => `${t.label.toLowerCase()} at log ${t.entry.log}, entry ${t.entry.index}`).join('; ')}.
      </p>
    </main>
  );
}
