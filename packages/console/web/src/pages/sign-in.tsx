// The sign-in page: an API key form (embedded demo mode) and/or the identity provider's sign-in.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from '../api/client.js';
import type { Session, SignInModes } from '../api/types.js';
import { asApiError } from '../components/use-api.js';

const EXPLAINED: Record<string, string> = {
  CON_ERR_SIGN_IN_INVALID: 'That key is not known to this gateway. Check that you copied it whole.',
  CON_ERR_NOT_AUDITOR: 'That key is valid, but it does not carry the auditor role, which the audit console requires.',
};

interface Props {
  modes: SignInModes | undefined;
  notice?: string;
  onSignedIn: (session: Session) => void;
}

export function SignInPage({ modes, notice, onSignedIn }: Props): JSX.Element {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  useEffect(() => {
    document.title = 'Sign in · Palisade audit console';
  }, []);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await request('POST', '/session', { api_key: key.trim() }, { quietAuth: true });
      setKey('');
      onSignedIn((await res.json()) as Session);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const none = modes && !modes.api_key && !modes.oidc;
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to the audit console</h1>
      <p>Auditors and compliance officers find, read, verify and export the gateway's decisions here. Every action you take is itself recorded.</p>
      {notice ? (
        <p class="notice notice-info" role="status">
          {notice}
        </p>
      ) : null}
      {modes?.api_key ? (
        <form class="card" onSubmit={(e) => void submit(e)} aria-describedby={error ? 'sign-in-error' : undefined}>
          <h2>With an API key</h2>
          <label for="api-key">API key</label>
          <input
            id="api-key"
            name="api_key"
            type="password"
            autocomplete="off"
            required
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
            aria-invalid={error ? 'true' : undefined}
          />
          <p class="hint">A key with the auditor role from the gateway's identity configuration.</p>
          <button type="submit" class="button button-primary" disabled={busy}>
            Sign in
          </button>
          {error ? (
            <div id="sign-in-error" class="notice notice-error" role="alert">
              <p class="notice-title">Sign-in refused</p>
              <p>
                {EXPLAINED[error.code] ?? error.message} <code class="code">{error.code}</code>
              </p>
            </div>
          ) : null}
        </form>
      ) : null}
      {modes?.oidc ? (
        <div class="card">
          <h2>With your organisation's account</h2>
          {/* A full page load: the identity provider's redirect cannot happen inside fetch. */}
          <a class="button button-primary" href="/console/oidc/login">
            Sign in with your identity provider
          </a>
        </div>
      ) : null}
      {none ? <p class="notice notice-error">This console offers no way to sign in: its host configured neither API keys nor an identity provider.</p> : null}
      {!modes ? <p class="notice notice-error">The console server could not be reached. Reload the page to try again.</p> : null}
    </main>
  );
}
