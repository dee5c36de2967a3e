// The fixture policy and gateway set-up shared by the response cache tests: the policy's `cache`
// output depends on the model, so each test picks the scope it needs by model name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle, devPublicKeyPath } from '../policy/support.js';
import type { FakeOpenAI } from '../support/fake-openai.js';
import { addCallers, addUpstream } from '../limits/support.js';

export const CACHE_REGO = `package palisade.request

cache_for := {
	"gpt-tenant": {"scope": "tenant"},
	"gpt-user": {"scope": "user"},
	"gpt-none": {"scope": "none"},
	"gpt-short": {"scope": "tenant", "ttl_s": 60},
	"gpt-bad": {"scope": "everyone"},
	"claude-tenant": {"scope": "tenant"},
	"echo-embed": {"scope": "tenant"},
}

default decision := {"allow": true, "reasons": []}

decision := {"allow": true, "reasons": [], "cache": cache_for[input.request.model]} if cache_for[input.request.model]
`;

/** Trusts bundles signed with the development key, as config/dev.json does. */
export const DEV_VERIFICATION = { public_key_file: devPublicKeyPath, key_id: 'palisade-dev', scope: 'development' };

export const CACHE_MODELS = ['gpt-tenant', 'gpt-user', 'gpt-none', 'gpt-short', 'gpt-bad', 'gpt-plain'];

export interface CacheBundle {
  file: string;
  remove(): void;
}

/** Builds the fixture bundle with the real opa, signed with the development key, into a temporary file. */
export async function buildCacheBundle(): Promise<CacheBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-cache-bundle-'));
  const file = join(dir, 'cache.tar.gz');
  writeFileSync(file, await buildSignedFixtureBundle({ 'request.rego': CACHE_REGO, 'response.rego': ALLOW_RESPONSE_REGO }));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Config patch: the fixture policy, the fake upstream serving every cache model, more callers. */
export function cacheGateway(bundle: CacheBundle, upstream: FakeOpenAI, extra: (c: Record<string, unknown>) => void = () => undefined): (c: Record<string, unknown>) => void {
  return (c) => {
    c['policy'] = { bundle: bundle.file, verification: DEV_VERIFICATION };
    addUpstream(c, upstream.baseUrl, CACHE_MODELS);
    (c['models'] as unknown[]).push({ name: 'echo-embed', provider: 'echo', upstream_model: 'echo' });
    addCallers(c);
    extra(c);
  };
}

/** A fake upstream answer that names how many calls it has served, so a cached answer is recognisable. */
export function countingAnswer(): (body: Record<string, unknown>) => string {
  let n = 0;
  return (b) => `Answer number ${++n} from ${String(b['model'])} to you.`;
}
