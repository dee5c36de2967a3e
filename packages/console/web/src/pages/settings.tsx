// Key pinning: the verifier keys this browser trusts for checkpoints. The server's own key is shown
// for comparison only; trusting it blindly would let a compromised server vouch for itself.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api/client.js';
import type { LogInfo } from '../api/types.js';
import { ErrorNotice, Loading } from '../components/error-notice.js';
import { useApi } from '../components/use-api.js';
import { pinKey, pinnedKeyTexts, unpinKey } from '../local-trust.js';

export function SettingsPage(): JSX.Element {
  const [pins, setPins] = useState(pinnedKeyTexts);
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const [logs] = useApi('logs', () => getJson<LogInfo[]>('/logs'));
  useEffect(() => {
    document.title = 'Key pinning · Palisade audit console';
  }, []);

  const pin = async (vkey: string): Promise<void> => {
    try {
      const key = await pinKey(vkey);
      setPins(pinnedKeyTexts());
      setText('');
      setMessage({ ok: true, text: `Pinned ${key.name}. Checkpoints signed by it now verify in this browser.` });
    } catch (error) {
      setMessage({ ok: false, text: `Not pinned: ${error instanceof Error ? error.message : String(error)}` });
    }
  };
  const submit = (event: Event): void => {
    event.preventDefault();
    void pin(text);
  };
  const nameOf = (vkey: string): string => vkey.slice(0, vkey.indexOf('+'));

  return (
    <main id="main">
      <h1>Key pinning</h1>
      <p>
        Verify checks each checkpoint's signature against the keys pinned here, in this browser. Pin the log's verifier key you received from the
        operator through a channel you trust.
      </p>
      <section class="card" aria-labelledby="pinned-heading">
        <h2 id="pinned-heading">Pinned keys</h2>
        {pins.length ? (
          <ul class="key-list">
            {pins.map((p) => (
              <li key={p}>
                <code class="code key-text">{p}</code>{' '}
                <button
                  type="button"
                  class="button"
                  aria-label={`Unpin ${nameOf(p)}`}
                  onClick={() => {
                    unpinKey(p);
                    setPins(pinnedKeyTexts());
                    setMessage({ ok: true, text: `Unpinned ${nameOf(p)}.` });
                  }}
                >
                  Unpin
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p>No key is pinned: Verify cannot check anything yet.</p>
        )}
      </section>
      <form class="card" onSubmit={submit}>
        <h2>Pin a key</h2>
        <label for="vkey">Verifier key</label>
        <textarea id="vkey" rows={3} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} aria-describedby="vkey-hint" />
        <p class="hint" id="vkey-hint">
          The C2SP signed-note key, name+keyid+base64, e.g. the contents of the ledger's log.vkey file.
        </p>
        <button type="submit" class="button button-primary" disabled={text.trim() === ''}>
          Pin key
        </button>
      </form>
      <div aria-live="polite">{message ? <p class={`notice ${message.ok ? 'notice-info' : 'notice-error'}`}>{message.text}</p> : null}</div>
      <section class="card" aria-labelledby="served-heading">
        <h2 id="served-heading">Keys the server presents</h2>
        <p class="notice notice-warning">
          Compare these with the key you were given through another channel before pinning one. A server that was tampered with can present its own key.
        </p>
        {logs.state === 'loading' ? <Loading what="logs" /> : null}
        {logs.state === 'error' ? <ErrorNotice error={logs.error} /> : null}
        {logs.state === 'ok' ? (
          <ul class="key-list">
            {logs.value.map((l) => {
              const pinned = pins.includes(l.vkey.trim());
              const clash = !pinned && pins.some((p) => nameOf(p) === nameOf(l.vkey));
              return (
                <li key={l.log}>
                  Log {l.log}: <code class="code key-text">{l.vkey}</code>{' '}
                  {pinned ? (
                    <span class="tag tag-ok">pinned</span>
                  ) : (
                    <button type="button" class="button" aria-label={`Pin the key of log ${l.log}`} onClick={() => void pin(l.vkey)}>
                      Pin
                    </button>
                  )}
                  {clash ? (
                    <p class="notice notice-error" role="alert">
                      This key differs from the key pinned under the same name. Its checkpoints will not verify until you find out why.
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ul>
        ) : null}
      </section>
    </main>
  );
}
