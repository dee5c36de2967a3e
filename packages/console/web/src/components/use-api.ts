// Loads an API answer for a page, keeping "loading", the value and a readable error apart.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: ApiError };

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'UNEXPECTED', error instanceof Error ? error.message : String(error), undefined, error);
}

/** Runs `load` whenever `key` changes; a stale answer never overwrites a newer one. */
export function useApi<T>(key: string, load: () => Promise<T>): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setResult({ state: 'loading' });
    load().then(
      (value) => live && setResult({ state: 'ok', value }),
      (error: unknown) => live && setResult({ state: 'error', error: asApiError(error) }),
    );
    return () => {
      live = false;
    };
    // `load` is rebuilt on each render, so `key` names what it loads.
  }, [key, round]);
  return [result, () => setRound((r) => r + 1)];
}
