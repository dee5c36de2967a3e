// Shows an API error as a sentence with its stable code, announced to screen readers.
import type { JSX } from 'preact';
import type { ApiError } from '../api/client.js';

export function ErrorNotice({ error, title }: { error: ApiError; title?: string }): JSX.Element {
  return (
    <div class="notice notice-error" role="alert">
      {title ? <p class="notice-title">{title}</p> : null}
      <p>
        {error.message} <code class="code">{error.code}</code>
      </p>
      {error.status === 503 ? <p>Nothing was done. Try again in a moment.</p> : null}
    </div>
  );
}

export function Loading({ what }: { what: string }): JSX.Element {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}
