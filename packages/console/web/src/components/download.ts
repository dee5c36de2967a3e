// Saves a POST answer (the evidence package) as a file: the CSRF header rules out a plain form post.
import { request } from '../api/client.js';

function filenameFrom(disposition: string | null): string | undefined {
  const m = disposition?.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

export async function downloadPost(path: string, body: unknown, fallbackName: string): Promise<string> {
  const res = await request('POST', path, body);
  const blob = await res.blob();
  const name = filenameFrom(res.headers.get('content-disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has the file once the click is handled; the URL is kept briefly for slow handlers.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
