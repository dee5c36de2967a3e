// The outcome of a decision as a labelled badge: colour is never the only signal.
import type { JSX } from 'preact';

const LABELS: Record<string, string> = { allowed: 'Allowed', denied: 'Denied', redacted: 'Redacted', error: 'Error' };

export function OutcomeBadge({ outcome }: { outcome: string }): JSX.Element {
  const known = Object.hasOwn(LABELS, outcome);
  return <span class={`badge badge-${known ? outcome : 'other'}`}>{known ? LABELS[outcome] : outcome}</span>;
}
