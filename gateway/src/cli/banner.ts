// What `palisade serve` prints once it listens. It prints no credential of a deployment: anything
// printed ends up in logs. The one exception is the audit console's published demo key, printed
// only when the configuration holds exactly that key (by its hash): it is in README.md already,
// and a first-time user needs it to sign in to the console `make run` serves.
import { createHash } from 'node:crypto';
import type { GatewayConfig } from '../config/schema.js';

/** The ids `make run`'s configuration gives its documented demo keys. */
const DEMO_KEY_ID = /^demo-/;

/** The console's demo auditor key, published in README.md (Audit console). */
export const DEMO_AUDITOR_KEY = 'sk-demo-auditor';
const DEMO_AUDITOR_SHA256 = createHash('sha256').update(DEMO_AUDITOR_KEY, 'utf8').digest('hex');

function consoleLine(config: Readonly<GatewayConfig>, url: string): string {
  const auditors = config.identity.api_keys.filter((k) => k.roles.includes('auditor'));
  if (auditors.some((k) => k.key_sha256.toLowerCase() === DEMO_AUDITOR_SHA256)) return `Audit console: ${url}/console/ (sign in with the demo auditor key ${DEMO_AUDITOR_KEY})`;
  if (auditors.length > 0) return `Audit console: ${url}/console/ (sign in with an API key that has the role auditor)`;
  return `Audit console: ${url}/console/ (no API key has the role auditor yet)`;
}

export function startBanner(config: Readonly<GatewayConfig>, url: string, options: { workers?: number } = {}): string {
  const model = config.models[0]?.name ?? 'echo';
  const demo = config.identity.api_keys.some((k) => DEMO_KEY_ID.test(k.id));
  const workers = options.workers ?? 1;
  const lines = [`Palisade is listening on ${url}${workers > 1 ? ` with ${workers} workers` : ''}`];
  if (demo) lines.push('Demo API keys are configured; they are listed in README.md (Quick start).');
  // The embedded ledger comes with its audit console, in a gateway of one process.
  if (config.audit.sink === 'ledger' && workers === 1) lines.push(consoleLine(config, url));
  if (config.audit.sink === 'ledger' && workers > 1) lines.push('Audit console: not served by several workers; run palisade-audit serve --console on the ledger folder');
  lines.push(
    'Try, with an API key in PALISADE_API_KEY:',
    `  curl -s ${url}/v1/chat/completions -H "Authorization: Bearer $PALISADE_API_KEY" ` +
      `-H 'Content-Type: application/json' -d '{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}'`,
  );
  return `${lines.join('\n')}\n`;
}
