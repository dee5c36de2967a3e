// The logs and their checkpoints over time, as the console observed them, next to the checkpoint
// this browser last verified.
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { getJson } from '../api/client.js';
import type { CheckpointSeen, LogInfo } from '../api/types.js';
import { ErrorNotice, Loading } from '../components/error-notice.js';
import { useApi } from '../components/use-api.js';
import { formatTime } from '../format.js';
import { lastSeen } from '../local-trust.js';
import { parseCheckpoint } from '../verify/checkpoint.js';

function LogCheckpoints({ log }: { log: LogInfo }): JSX.Element {
  const [history] = useApi(log.log, () => getJson<CheckpointSeen[]>(`/checkpoints/${encodeURIComponent(log.log)}`));
  const body = log.checkpoint.slice(0, log.checkpoint.lastIndexOf('\n\n') + 1);
  const parsed = parseCheckpoint(body);
  const seen = typeof parsed === 'string' ? undefined : lastSeen(parsed.origin);
  return (
    <section class="card" aria-labelledby={`log-${log.log}`}>
      <h2 id={`log-${log.log}`}>Log {log.log}</h2>
      <p>
        {log.size} entries{typeof parsed === 'string' ? '' : `; origin ${parsed.origin}`}.{' '}
        {seen
          ? `This browser last verified size ${seen.size} on ${formatTime(seen.seen_at)}.`
          : 'This browser has not verified a checkpoint of this log yet.'}
      </p>
      <details>
        <summary>Current checkpoint (signed note)</summary>
        <pre class="content">{log.checkpoint}</pre>
      </details>
      {history.state === 'loading' ? <Loading what="checkpoints" /> : null}
      {history.state === 'error' ? <ErrorNotice error={history.error} /> : null}
      {history.state === 'ok' ? (
        <div class="table-wrap">
          <table>
            <caption>Checkpoints of log {log.log} over time, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Observed</th>
                <th scope="col">Size</th>
                <th scope="col">Root hash</th>
              </tr>
            </thead>
            <tbody>
              {[...history.value].reverse().map((c) => (
                <tr key={`${c.size}-${c.time}`}>
                  <td>
                    <time dateTime={c.time}>{formatTime(c.time)}</time>
                  </td>
                  <td>{c.size}</td>
                  <td>
                    <code class="code hash">{c.root}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

export function CheckpointsPage(): JSX.Element {
  const [logs] = useApi('logs', () => getJson<LogInfo[]>('/logs'));
  useEffect(() => {
    document.title = 'Checkpoints · Palisade audit console';
  }, []);
  return (
    <main id="main">
      <h1>Checkpoints</h1>
      <p>Each checkpoint is a signed statement of a log's size and root hash. The console records every new one it observes.</p>
      {logs.state === 'loading' ? <Loading what="logs" /> : null}
      {logs.state === 'error' ? <ErrorNotice error={logs.error} /> : null}
      {logs.state === 'ok' ? (logs.value.length ? logs.value.map((l) => <LogCheckpoints log={l} key={l.log} />) : <p>The ledger has no logs yet.</p>) : null}
    </main>
  );
}
