// The "Verify" button of a record: fetches the proofs and checks them here, in the browser, against
// the key pinned in this browser, then proves the log only grew since the checkpoint seen last time.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, getJson } from '../api/client.js';
import type { AuditRecord, EntryRef, LogInfo } from '../api/types.js';
import { formatTime } from '../format.js';
import { lastSeen, pinKey, pinnedKeys, rememberSeen } from '../local-trust.js';
import { Link, href } from '../router.js';
import { checkAppendOnly, type AppendOnlyResult, type ConsistencyData } from '../verify/append-only.js';
import { checkInclusion, type InclusionResult, type ProofData } from '../verify/inclusion-check.js';
import { asApiError } from './use-api.js';

interface Target {
  label: string;
  entry: EntryRef;
  record: AuditRecord;
}

type PanelState =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'no-pin'; served: LogInfo | undefined; pinError?: string }
  | { state: 'done'; results: { label: string; entry: EntryRef; result: InclusionResult }[]; growth?: AppendOnlyResult | { status: 'error'; failure: string } }
  | { state: 'error'; message: string };

const proofPath = (e: EntryRef): string => `/proof/${encodeURIComponent(e.log)}/${e.index}`;

/** A record written a moment ago may not be under the published checkpoint yet; the server says 404 until it is. */
async function fetchProof(entry: EntryRef): Promise<ProofData> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getJson<ProofData>(proofPath(entry));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404 || attempt >= 5) throw error;
      await new Promise((resolve) => window.setTimeout(resolve, 1000));
    }
  }
}

async function verifyAll(targets: Target[]): Promise<PanelState> {
  const keys = await pinnedKeys();
  if (keys.length === 0) {
    const logs = await getJson<LogInfo[]>('/logs');
    return { state: 'no-pin', served: logs.find((l) => l.log === targets[0]?.entry.log) ?? logs[0] };
  }
  const results: { label: string; entry: EntryRef; result: InclusionResult }[] = [];
  for (const t of targets) {
    const data = await fetchProof(t.entry);
    results.push({ label: t.label, entry: t.entry, result: await checkInclusion(data, keys, t.record) });
  }
  // The checkpoint's signature held even when the entry did not, so the log's growth is still worth checking.
  const first = results[0];
  if (!first?.result.checkpoint) return { state: 'done', results };
  const checkpoint = first.result.checkpoint;
  const log = first.entry.log;
  try {
    const fetchConsistency = (from: number): Promise<ConsistencyData> => getJson<ConsistencyData>(`/consistency/${encodeURIComponent(log)}?from=${from}`);
    const growth = await checkAppendOnly(lastSeen(checkpoint.origin), checkpoint, fetchConsistency, keys, new Date());
    // A failed check keeps the old checkpoint, so the warning stays until someone looks into it.
    if (growth.status !== 'failed') rememberSeen(growth.newest);
    return { state: 'done', results, growth };
  } catch (error) {
    return { state: 'done', results, growth: { status: 'error', failure: `The append-only check could not run: ${asApiError(error).message}` } };
  }
}

function Growth({ growth }: { growth: NonNullable<Extract<PanelState, { state: 'done' }>['growth']> }): JSX.Element {
  switch (growth.status) {
    case 'first':
      return (
        <p class="growth">
          First checkpoint of this log seen in this browser (size {growth.newest.size}); later checks will prove the log only grew from here.
        </p>
      );
    case 'ok':
      return (
        <p class="growth growth-ok">
          <strong>Append-only since size {growth.since.size}</strong> (the checkpoint this browser saw on {formatTime(growth.since.seen_at)}); now size{' '}
          {growth.newest.size}.
        </p>
      );
    case 'failed':
      return (
        <p class="growth growth-failed" role="alert">
          <strong>Not append-only since size {growth.since.size}:</strong> {growth.failure}
        </p>
      );
    case 'error':
      return <p class="growth growth-failed">{growth.failure}</p>;
  }
}

function NoPin({ served, pinError, onPinned }: { served: LogInfo | undefined; pinError?: string; onPinned: (error?: string) => void }): JSX.Element {
  const pin = async (): Promise<void> => {
    if (!served) return;
    try {
      await pinKey(served.vkey);
      onPinned();
    } catch (error) {
      onPinned(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <div class="notice notice-warning" role="status">
      <p class="notice-title">No verifier key is pinned in this browser, so nothing can be verified yet.</p>
      {served ? (
        <>
          <p>The server presents this key for log {served.log}:</p>
          <p>
            <code class="code key-text">{served.vkey}</code>
          </p>
          <p>
            <strong>Compare it, character by character, with the key you were given through another channel</strong> (the operator's signed letter,
            your audit file). Pinning a key you did not compare proves only that the server agrees with itself.
          </p>
          <button type="button" class="button" onClick={() => void pin()}>
            Pin this key and verify
          </button>
        </>
      ) : (
        <p>The server lists no logs.</p>
      )}
      {pinError ? <p role="alert">{pinError}</p> : null}
      <p>
        Or paste the key you were given on the <Link href={href('settings')}>key pinning page</Link>.
      </p>
    </div>
  );
}

export function VerifyPanel({ targets }: { targets: Target[] }): JSX.Element {
  const [panel, setPanel] = useState<PanelState>({ state: 'idle' });
  const run = async (): Promise<void> => {
    setPanel({ state: 'running' });
    try {
      setPanel(await verifyAll(targets));
    } catch (error) {
      setPanel({ state: 'error', message: `Verification could not run: ${asApiError(error).message}` });
    }
  };
  const done = panel.state === 'done' ? panel : undefined;
  const failed = done?.results.find((r) => !r.result.ok);
  const decision = done?.results[0]?.result;
  return (
    <section class="card verify" aria-labelledby="verify-heading">
      <h2 id="verify-heading">Proof</h2>
      <p>
        Checks in this browser, with the key pinned here, that the record is in the signed, append-only ledger: the entry's leaf hash, its inclusion
        proof to the checkpoint's root hash, and the checkpoint's Ed25519 signature.
      </p>
      <button type="button" class="button button-primary" onClick={() => void run()} disabled={panel.state === 'running'}>
        Verify
      </button>
      <div aria-live="polite" class="verify-result">
        {panel.state === 'running' ? <p role="status">Verifying…</p> : null}
        {panel.state === 'error' ? <p class="verdict verdict-failed" role="alert">{panel.message}</p> : null}
        {panel.state === 'no-pin' ? (
          <NoPin served={panel.served} pinError={panel.pinError} onPinned={(error) => (error ? setPanel({ ...panel, pinError: error }) : void run())} />
        ) : null}
        {done ? (
          <>
            {failed ? (
              <p class="verdict verdict-failed" role="alert">
                Verification failed ({failed.label}): {failed.result.failure}
              </p>
            ) : (
              <p class="verdict verdict-ok">Verified: included in checkpoint {decision?.checkpoint?.size}</p>
            )}
            {done.growth ? <Growth growth={done.growth} /> : null}
            {done.results.map((r) => (
              <details key={r.label} open={!r.result.ok}>
                <summary>
                  {r.label}: log {r.entry.log}, entry {r.entry.index} — {r.result.ok ? 'verified' : 'failed'}
                </summary>
                <ol class="steps">
                  {r.result.steps.map((s, i) => (
                    <li key={i} class={s.ok ? 'step-ok' : 'step-failed'}>
                      <span class="visually-hidden">{s.ok ? 'Passed: ' : 'Failed: '}</span>
                      {s.text}
                    </li>
                  ))}
                </ol>
              </details>
            ))}
          </>
        ) : null}
      </div>
    </section>
  );
}
