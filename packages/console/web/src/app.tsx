// The console's shell: the session gate, the navigation, and which page a path shows.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request, setSession, whenSignedOut } from './api/client.js';
import type { Session, SignInModes } from './api/types.js';
import { asApiError } from './components/use-api.js';
import { CheckpointsPage } from './pages/checkpoints.js';
import { OverviewPage } from './pages/overview.js';
import { RecordPage } from './pages/record.js';
import { SearchPage } from './pages/search.js';
import { SettingsPage } from './pages/settings.js';
import { SignInPage } from './pages/sign-in.js';
import { SubjectPage } from './pages/subject.js';
import { Link, href, match, useLocation, type Location } from './router.js';

type Gate = { state: 'loading' } | { state: 'signed-out'; modes: SignInModes | undefined; notice?: string } | { state: 'signed-in'; session: Session };

const NAV = [
  { path: '', label: 'Overview' },
  { path: 'search', label: 'Search' },
  { path: 'checkpoints', label: 'Checkpoints' },
  { path: 'settings', label: 'Key pinning' },
];

function Page({ location }: { location: Location }): JSX.Element {
  const { path } = location;
  if (path === '') return <OverviewPage location={location} />;
  if (path === 'search') return <SearchPage location={location} />;
  if (path === 'checkpoints') return <CheckpointsPage />;
  if (path === 'settings') return <SettingsPage />;
  const decision = match('decisions/:id', path);
  if (decision) return <RecordPage id={decision['id']!} />;
  const subject = match('subjects/:sub', path);
  if (subject) return <SubjectPage sub={subject['sub']!} />;
  return (
    <main id="main">
      <h1>Page not found</h1>
      <p>
        There is no console page at this address. Go to the <Link href={href('')}>overview</Link> or <Link href={href('search')}>search</Link>.
      </p>
    </main>
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }): JSX.Element {
  const location = useLocation();
  // Moves focus to the new page's heading, as a full page load would for screen reader users.
  const [first, setFirst] = useState(true);
  useEffect(() => {
    if (first) {
      setFirst(false);
      return;
    }
    const h1 = document.querySelector<HTMLElement>('main h1');
    if (h1) {
      h1.tabIndex = -1;
      h1.focus();
    }
  }, [location.path]);
  const section = location.path.split('/')[0] ?? '';
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <p class="brand">
          <Link href={href('')}>Palisade audit console</Link>
        </p>
        <nav aria-label="Console">
          <ul>
            {NAV.map((n) => (
              <li key={n.path}>
                <Link href={href(n.path)} aria-current={section === n.path ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong>{session.sub}</strong>
          </span>{' '}
          <button type="button" class="button button-small" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <Page location={location} />
    </>
  );
}

export function App(): JSX.Element {
  const [gate, setGate] = useState<Gate>({ state: 'loading' });
  useEffect(() => {
    whenSignedOut(() => {
      setSession(undefined);
      // The refusal of GET /session carries the sign-in modes the page needs.
      void loadSession('Your session has ended. Sign in again.');
    });
    void loadSession();
  }, []);

  async function loadSession(notice?: string): Promise<void> {
    try {
      const session = (await (await request('GET', '/session', undefined, { quietAuth: true })).json()) as Session;
      setSession(session);
      setGate({ state: 'signed-in', session });
    } catch (error) {
      const e = asApiError(error);
      setGate((g) => ({
        state: 'signed-out',
        modes: e instanceof ApiError && e.modes ? e.modes : undefined,
        ...(notice ? { notice } : g.state === 'signed-out' && g.notice ? { notice: g.notice } : {}),
      }));
    }
  }

  const signOut = async (): Promise<void> => {
    try {
      await request('POST', '/session/logout', undefined, { quietAuth: true });
    } catch {
      // The session may already be gone; the sign-in page follows either way.
    }
    setSession(undefined);
    await loadSession('You have signed out.');
  };

  if (gate.state === 'loading')
    return (
      <main id="main">
        <p role="status">Loading the audit console…</p>
      </main>
    );
  if (gate.state === 'signed-out')
    return (
      <SignInPage
        modes={gate.modes}
        notice={gate.notice}
        onSignedIn={(session) => {
          setSession(session);
          setGate({ state: 'signed-in', session });
        }}
      />
    );
  return <Shell session={gate.session} onSignOut={() => void signOut()} />;
}
