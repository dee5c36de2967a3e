// Cross-field rules of the `identity` config that its JSON Schema cannot express; each problem
// names its path, as the config loader's own problems do.
import { BlockList } from 'node:net';
import type { IdentityConfig } from '../config/schema.js';
import { addSource } from './trusted-proxy.js';

/** Headers that already carry credentials, so they cannot be given another meaning. */
const RESERVED_HEADERS = new Set(['authorization', 'x-api-key', 'cookie', 'host', 'content-type', 'content-length']);

export function identityConfigProblems(identity: IdentityConfig): string[] {
  const problems: string[] = [];
  const keyIds = new Set<string>();
  const keyHashes = new Set<string>();
  identity.api_keys.forEach((k, i) => {
    if (k.expires_at !== undefined && Number.isNaN(Date.parse(k.expires_at))) problems.push(`/identity/api_keys/${i}/expires_at: not a valid time`);
    if (keyIds.has(k.id)) problems.push(`/identity/api_keys/${i}/id: duplicate key id "${k.id}"`);
    if (keyHashes.has(k.key_sha256)) problems.push(`/identity/api_keys/${i}/key_sha256: duplicate key`);
    keyIds.add(k.id);
    keyHashes.add(k.key_sha256);
  });
  const issuers = new Set<string>();
  let introspecting: number | undefined;
  identity.oidc.forEach((o, i) => {
    if (issuers.has(o.issuer)) problems.push(`/identity/oidc/${i}/issuer: duplicate issuer "${o.issuer}"`);
    let url: URL | undefined;
    try {
      url = new URL(o.issuer);
    } catch {
      problems.push(`/identity/oidc/${i}/issuer: not a URL`);
    }
    if (url && url.protocol !== 'https:' && !o.allow_insecure_http) {
      problems.push(`/identity/oidc/${i}/issuer: must be https (set allow_insecure_http only for a loopback test issuer)`);
    }
    issuers.add(o.issuer);
    if (o.introspection) {
      // An opaque token does not name its issuer: with two introspecting issuers a token would be shown to one that did not issue it.
      if (introspecting !== undefined) problems.push(`/identity/oidc/${i}/introspection: only one issuer may introspect opaque tokens (already /identity/oidc/${introspecting})`);
      else introspecting = i;
    }
  });
  const header = identity.user_token_header;
  if (RESERVED_HEADERS.has(header)) problems.push(`/identity/user_token_header: "${header}" already carries other data`);
  const proxy = identity.trusted_proxy;
  if (proxy) {
    const list = new BlockList();
    proxy.sources.forEach((s, i) => {
      const problem = addSource(list, s);
      if (problem) problems.push(`/identity/trusted_proxy/sources/${i}: ${problem}`);
    });
    for (const name of ['user_header', 'groups_header', 'email_header'] as const) {
      const h = proxy[name];
      if (RESERVED_HEADERS.has(h) || h === header) problems.push(`/identity/trusted_proxy/${name}: "${h}" already carries other data`);
    }
    if (new Set([proxy.user_header, proxy.groups_header, proxy.email_header]).size < 3) problems.push('/identity/trusted_proxy: user_header, groups_header and email_header must differ');
  }
  return problems;
}
