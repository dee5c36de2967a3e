// What `palisade serve` prints once it listens. It never prints a credential, not even a demo
// key: anything printed ends up in logs. It says where the demo keys are documented instead.
import type { GatewayConfig } from '../config/schema.js';

/** The ids `make run`'s configuration gives its documented demo keys. */
const DEMO_KEY_ID = /^demo-/;

export function startBanner(config: Readonly<GatewayConfig>, url: string): string {
  const model = config.models[0]?.name ?? 'echo';
  const demo = config.identity.api_keys.some((k) => DEMO_KEY_ID.test(k.id));
  const lines = [`Palisade is listening on ${url}`];
  if (demo) lines.push('Demo API keys are configured; they are listed in README.md (Quick start).');
  // The embedded ledger comes with its audit console; auditors sign in with an API key of theirs.
  if (config.audit.sink === 'ledger') {
    const auditors = config.identity.api_keys.some((k) => k.roles.includes('auditor'));
    lines.push(`Audit console: ${url}/console/ (${auditors ? `sign in with an API key that has the role auditor${demo ? '; the demo one is in README.md (Audit console)' : ''}` : 'no API key has the role auditor yet'})`);
  }
  lines.push(
    'Try, with an API key in PALISADE_API_KEY:',
    `  curl -s ${url}/v1/chat/completions -H "Authorization: Bearer $PALISADE_API_KEY" ` +
      `-H 'Content-Type: application/json' -d '{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}'`,
  );
  return `${lines.join('\n')}\n`;
}
