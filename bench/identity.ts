// Identity speed: the gateway's whole authentication of a bearer JWT (header parsing, API-key
// lookup, issuer choice, signature with cached keys, claims, mapping) for ES256 and RS256, for a
// token seen for the first time and for one seen again, beside jose's bare jwtVerify with a local
// key as the baseline, in the same run; plus the key fetches on the request path after warm-up
// (there must be none).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { parseConfig } from '../gateway/src/config/load-config.js';
import { createIds } from '../gateway/src/ids.js';
import { createIdentity, type Identity } from '../gateway/src/identity/index.js';
import { generateApiKey } from '../gateway/src/identity/api-key-format.js';

const RUNS = Number(process.env['BENCH_IDENTITY_RUNS'] ?? 20_000);
const FRESH_RUNS = Number(process.env['BENCH_IDENTITY_FRESH_RUNS'] ?? 3_000);
const WARM_UP = 1_000;
const AUDIENCE = 'urn:palisade:bench';

interface Issuer {
  path: string;
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  jwk: JWK;
}

function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

/** Microseconds per call of `fn`, sequentially, after a warm-up. */
async function measure(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARM_UP; i++) await fn();
  const samples: number[] = new Array(runs);
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return percentiles(samples);
}

async function newIssuer(path: string, alg: 'ES256' | 'RS256'): Promise<Issuer> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { path, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid: `${path}-1`, alg, use: 'sig' } };
}

export async function benchIdentity(): Promise<string[]> {
  const issuers = [await newIssuer('es', 'ES256'), await newIssuer('rs', 'RS256')];
  const hits = { discovery: 0, jwks: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const issuer = issuers.find((i) => req.url?.startsWith(`/${i.path}/`));
    res.setHeader('content-type', 'application/json');
    if (issuer && req.url === `/${issuer.path}/.well-known/openid-configuration`) {
      hits.discovery++;
      res.end(JSON.stringify({ issuer: `${base}/${issuer.path}`, jwks_uri: `${base}/${issuer.path}/jwks`, token_endpoint: `${base}/${issuer.path}/token` }));
    } else if (issuer && req.url === `/${issuer.path}/jwks`) {
      hits.jwks++;
      res.end(JSON.stringify({ keys: [issuer.jwk] }));
    } else res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apiKey = generateApiKey();

  const { config } = parseConfig({
    path: 'bench.json',
    env: {},
    text: JSON.stringify({
      identity: {
        api_keys: [{ id: apiKey.id, key_sha256: apiKey.key_sha256, sub: 'bench@example.com', roles: ['analyst'] }],
        oidc: issuers.map((i) => ({ issuer: `${base}/${i.path}`, client_id: 'palisade', audience: AUDIENCE, algorithms: [i.alg], allow_insecure_http: true, claims: { roles: ['realm_access.roles'] } })),
      },
      policy: { bundle: 'unused' },
      providers: [{ name: 'echo', type: 'echo' }],
      models: [{ name: 'echo', provider: 'echo' }],
      audit: { sink: 'ledger', ledger: { dir: 'unused', origin: 'bench', signing_key_file: 'unused' }, commitment_key_file: 'unused' },
    }),
  });
  const identity: Identity = createIdentity(config.identity, {
    fetch: globalThis.fetch,
    clock: Date.now,
    publish: async () => {},
    ids: createIds(Date.now),
    gatewayId: 'bench',
  });
  const lines: string[] = [];
  try {
    await identity.warmUp();
    const afterWarmUp = { ...hits };
    const now = Math.floor(Date.now() / 1000);
    lines.push(`sequential calls after ${WARM_UP} warm-up (${RUNS} each, ${FRESH_RUNS} for first sight); µs per call`);
    for (const issuer of issuers) {
      const sign = (sub: string): Promise<string> =>
        new SignJWT({ sub, client_id: 'app', realm_access: { roles: ['analyst', 'pii-reader'] }, tenant: 'acme' })
          .setProtectedHeader({ alg: issuer.alg, kid: issuer.jwk.kid ?? '' })
          .setIssuer(`${base}/${issuer.path}`)
          .setAudience(AUDIENCE)
          .setIssuedAt(now)
          .setExpirationTime(now + 3600)
          .sign(issuer.privateKey);
      const token = await sign('alice');
      const local = createLocalJWKSet({ keys: [issuer.jwk] });
      const baseline = await measure(RUNS, () => jwtVerify(token, local, { issuer: `${base}/${issuer.path}`, audience: AUDIENCE, algorithms: [issuer.alg] }));
      // Every call a token the gateway has not seen: the signature is checked each time.
      const fresh: string[] = [];
      for (let i = 0; i < FRESH_RUNS + WARM_UP; i++) fresh.push(await sign(`user-${i}`));
      let next = 0;
      const first = await measure(FRESH_RUNS, async () => {
        const outcome = await identity.authenticator.authenticate({ headers: { authorization: `Bearer ${fresh[next++]}` } });
        if (!outcome.ok) throw outcome.error;
      });
      const headers = { authorization: `Bearer ${token}` };
      const again = await measure(RUNS, async () => {
        const outcome = await identity.authenticator.authenticate({ headers });
        if (!outcome.ok) throw outcome.error;
      });
      const ratio = (a: { p50: number; p99: number }): string => `${(a.p50 / baseline.p50).toFixed(2)}x / ${(a.p99 / baseline.p99).toFixed(2)}x`;
      lines.push(`${issuer.alg}: jose jwtVerify, local key (baseline)      p50 ${baseline.p50.toFixed(1)}  p99 ${baseline.p99.toFixed(1)}`);
      lines.push(`${issuer.alg}: gateway, token seen first (signature) p50 ${first.p50.toFixed(1)}  p99 ${first.p99.toFixed(1)}   vs baseline p50/p99 ${ratio(first)}`);
      lines.push(`${issuer.alg}: gateway, token seen again (cached)    p50 ${again.p50.toFixed(1)}  p99 ${again.p99.toFixed(1)}   vs baseline p50/p99 ${ratio(again)}`);
    }
    const keyHeaders = { authorization: `Bearer ${apiKey.key}` };
    const keys = await measure(RUNS, async () => {
      const outcome = await identity.authenticator.authenticate({ headers: keyHeaders });
      if (!outcome.ok) throw outcome.error;
    });
    lines.push(`API key (pal_): gateway                        p50 ${keys.p50.toFixed(1)}  p99 ${keys.p99.toFixed(1)}`);
    const onRequestPath = hits.jwks - afterWarmUp.jwks + hits.discovery - afterWarmUp.discovery;
    lines.push(`issuer fetches during warm-up: ${afterWarmUp.discovery} discovery, ${afterWarmUp.jwks} jwks; on the request path after warm-up: ${onRequestPath}`);
    if (onRequestPath !== 0) throw new Error(`keys were fetched on the request path ${onRequestPath} times`);
  } finally {
    await identity.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
  return lines;
}
