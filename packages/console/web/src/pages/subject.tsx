// A data subject: their decisions, and erasure (destroying their keys) behind a typed confirmation.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { postJson, getJson, type ApiError } from '../api/client.js';
import type { SubjectInfo } from '../api/types.js';
import { DecisionTable } from '../components/decision-table.js';
import { ErrorNotice, Loading } from '../components/error-notice.js';
import { asApiError, useApi } from '../components/use-api.js';
import { Link, href } from '../router.js';

function EraseForm({ sub, onErased }: { sub: string; onErased: () => void }): JSX.Element {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const matches = typed === sub;
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!matches) return;
    setBusy(true);
    setError(undefined);
    try {
      await postJson(`/subjects/${encodeURIComponent(sub)}/erase`, { confirm: typed });
      onErased();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card danger" onSubmit={(e) => void submit(e)}>
      <h2>Erase this person's data</h2>
      <p>
        Erasure destroys the keys of <strong>{sub}</strong>: kept prompts and answers can no longer be read, and commitments can no longer be tested.
        The records stay in the ledger and still verify. This cannot be undone, and it is recorded under your name.
      </p>
      <label for="erase-confirm">Type the subject's id ({sub}) to confirm</label>
      <input id="erase-confirm" type="text" autocomplete="off" spellcheck={false} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
      <button type="submit" class="button button-danger" disabled={!matches || busy}>
        Erase {sub}
      </button>
      {error ? <ErrorNotice error={error} title="Erasure failed" /> : null}
    </form>
  );
}

export function SubjectPage({ sub }: { sub: string }): JSX.Element {
  const [info, reload] = useApi(sub, () => getJson<SubjectInfo>(`/subjects/${encodeURIComponent(sub)}`));
  const [justErased, setJustErased] = useState(false);
  useEffect(() => {
    document.title = `${sub} · Palisade audit console`;
    setJustErased(false);
  }, [sub]);
  return (
    <main id="main">
      <h1>Person: {sub}</h1>
      {info.state === 'loading' ? <Loading what="this person's decisions" /> : null}
      {info.state === 'error' ? <ErrorNotice error={info.error} title="This person's decisions could not be loaded" /> : null}
      {justErased ? (
        <p class="notice notice-info" role="status">
          Erased: {sub}'s keys are destroyed. Their records still verify; their content now reads "erased".
        </p>
      ) : null}
      {info.state === 'ok' ? (
        <>
          <p>
            {info.value.decisions.length} decisions · <Link href={href('search', { sub })}>Search and export them</Link>
            {info.value.erased ? ' · This person\'s data has been erased.' : ''}
          </p>
          {info.value.decisions.length ? <DecisionTable items={info.value.decisions} caption={`Decisions by ${sub}`} hidePerson /> : <p>No decisions.</p>}
          {info.value.erased ? null : (
            <EraseForm
              sub={sub}
              onErased={() => {
                setJustErased(true);
                reload();
              }}
            />
          )}
        </>
      ) : null}
    </main>
  );
}
