// Headers sent with every trace export, read from a file (by the configuration loader) so collector
// credentials stay out of the config file and out of logs: one `Name: value` per line, blank lines
// and `#` comments ignored.

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The headers in `text`, or the number of the first line that is not a header. */
export function parseOtlpHeaders(text: string): { headers: Record<string, string> } | { badLine: number } {
  const headers: Record<string, string> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name)) return { badLine: i + 1 };
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers };
}
