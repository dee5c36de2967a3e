// Load spread round-robin over several gateways, as a load balancer would: which caller sends what
// to which gateway, and everything each caller saw, so the test can hold the ledger, the provider
// and the limits against it.
import { ANALYST_KEY, PRIVILEGED_KEY } from '../support/gateway.js';

/** An analyst whose API key a small request limit applies to. */
export const LIMITED_KEY = 'sk-test-limited-0123456789';

export type Caller = 'privileged' | 'analyst' | 'limited';

const KEYS: Record<Caller, string> = { privileged: PRIVILEGED_KEY, analyst: ANALYST_KEY, limited: LIMITED_KEY };

export interface Exchange {
  n: number;
  caller: Caller;
  /** The gateway that served the request (its gateway_id). */
  gatewayId: string;
  prompt: string;
  /** 0 when no answer came at all. */
  status: number;
  /** From the x-palisade-decision-id header or the error body. */
  decisionId: string;
  error?: { message?: string; type?: string; code?: string; palisade_code?: string; decision_id?: string };
  retryAfter: string | null;
  /** How long the answer took, for failure messages. */
  ms: number;
}

/**
 * Request n: every tenth from the limited caller, every seventh other one an SSN prompt from the
 * analyst (which the shipped policy denies), the rest from the privileged caller. Each prompt is
 * unique, so what the provider received can be matched to what callers sent.
 */
export function requestFor(n: number): { caller: Caller; prompt: string } {
  if (n % 10 === 5) return { caller: 'limited', prompt: `Draft note ${n} for the team.` };
  if (n % 7 === 3) return { caller: 'analyst', prompt: `Claim ${n} for SSN 536-22-${String(1000 + n).padStart(4, '0')}` };
  return { caller: 'privileged', prompt: `Summarise memo ${n}.` };
}

interface Gateway {
  url: string;
  gatewayId: string;
}

/** One chat request as an application sends it, and what came back. */
async function ask(gw: Gateway, apiKey: string, prompt: string, model: string): Promise<Omit<Exchange, 'n' | 'caller' | 'prompt'>> {
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    return { gatewayId: gw.gatewayId, status: 0, decisionId: '', retryAfter: null, ms: Date.now() - started };
  }
  const body = (await res.json().catch(() => ({}))) as { error?: Exchange['error'] };
  return {
    gatewayId: gw.gatewayId,
    status: res.status,
    decisionId: res.headers.get('x-palisade-decision-id') ?? body.error?.decision_id ?? '',
    ...(body.error ? { error: body.error } : {}),
    retryAfter: res.headers.get('retry-after'),
    ms: Date.now() - started,
  };
}

async function send(gw: Gateway, n: number, model: string): Promise<Exchange> {
  const { caller, prompt } = requestFor(n);
  return { n, caller, prompt, ...(await ask(gw, KEYS[caller], prompt, model)) };
}

/** Every caller's first request sent to every gateway at the same moment; what each got. */
export async function firstRequestsEverywhere(gateways: readonly Gateway[], apiKeys: readonly string[], model: string): Promise<Omit<Exchange, 'n' | 'caller' | 'prompt'>[]> {
  return Promise.all(apiKeys.flatMap((key, i) => gateways.map((gw) => ask(gw, key, `First question ${i} to ${gw.gatewayId}.`, model))));
}

/** Sends requests 0..total-1 from `workers` concurrent callers, request n to gateway n mod the number of gateways. */
export async function roundRobin(gateways: readonly Gateway[], total: number, options: { workers: number; model: string }): Promise<Exchange[]> {
  const { workers, model } = options;
  const out: Exchange[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < total) {
        const n = next++;
        const gw = gateways[n % gateways.length]!;
        out.push(await send(gw, n, model));
      }
    }),
  );
  return out.sort((a, b) => a.n - b.n);
}
