// The last look before a body leaves for a provider: every string in what the provider will
// receive, after translation, must be one the decision was made on, or classify to nothing the
// decision did not already see. Translation composes strings (joined system prompts, tool input
// as JSON text, schema instructions); those are classified here. Anything new refuses the call.
import type { Classifier } from '../classify/index.js';
import { GatewayError } from '../errors.js';
import type { ClassificationSummary } from './decision-input.js';

/** Field names, roles and type tags that translation writes; no recognizer matches bare lowercase words. */
const PLAIN_WORD = /^[a-z_]{0,64}$/;
const MAX_DEPTH = 128;

function collect(value: unknown, known: ReadonlySet<string>, out: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH) throw new GatewayError('GW_ERR_UNEXAMINED_CONTENT', { detail: 'The outgoing body nests too deep to examine.' });
  if (typeof value === 'string') {
    if (!known.has(value) && !PLAIN_WORD.test(value)) out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, known, out, depth + 1);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!known.has(k) && !PLAIN_WORD.test(k)) out.add(k);
      collect(v, known, out, depth + 1);
    }
  }
}

export interface EgressCheckParts {
  classifier: Classifier;
  /** The strings the decision was made on, as they leave (after redaction). */
  examined: readonly string[];
  /** The decision's classification, before redaction. */
  decided: ClassificationSummary;
  /** Strings the gateway itself puts in (the upstream model names). */
  trusted?: readonly string[];
}

export function createEgressCheck(parts: EgressCheckParts): (outgoing: unknown) => void {
  const known = new Set<string>([...parts.examined, ...(parts.trusted ?? [])]);
  const decidedTypes = new Set(Object.keys(parts.decided.entities));
  return (outgoing) => {
    const fresh = new Set<string>();
    collect(outgoing, known, fresh, 0);
    if (fresh.size === 0) return;
    const c = parts.classifier.classifyMany([...fresh]);
    // Weak matches (below the label threshold) of a composed string are not new evidence.
    const unseen = Object.entries(c.counts).filter(([t, n]) => !decidedTypes.has(t) && n.max_score >= 0.5).map(([t]) => t);
    const injection = c.injection.detected && !parts.decided.injection.detected;
    if (unseen.length > 0 || injection) {
      throw new GatewayError('GW_ERR_UNEXAMINED_CONTENT', { detail: `The body about to leave holds ${injection ? 'prompt injection' : unseen.join(', ')} that the decision did not see.` });
    }
    // What was examined once need not be examined again on a retry or fallback.
    for (const s of fresh) known.add(s);
  };
}
