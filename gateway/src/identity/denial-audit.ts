// Bounds what a flood of bad credentials costs the audit log: refusals are recorded one by one up
// to a rate (a token bucket); beyond it they are counted and written as one summary record each
// second, so every refusal is still accounted for in the ledger.
import type { AuditRecordV1 } from '@palisade/audit-core';
import { decisionRecord, type AuditIds } from '../audit/records.js';
import type { Logger } from '../logging/logger.js';
import { anonymousPrincipal } from './principal.js';

export interface DenialAuditDeps {
  publish(records: readonly AuditRecordV1[]): Promise<void>;
  ids: AuditIds & { decisionId(): string };
  gatewayId: string;
  clock: () => number;
  logger?: Logger;
  ratePerS: number;
  burst: number;
  /** How often pending counts are written; default one second. */
  flushEveryMs?: number;
}

export interface DenialAudit {
  /** True when this refusal gets its own record; false when it is only counted for a summary. */
  admit(code: string, api: string, route: string): boolean;
  /** Writes a summary record for each kind of refusal counted since the last one. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  code: string;
  api: string;
  route: string;
  count: number;
  first: number;
  last: number;
}

export function createDenialAudit(deps: DenialAuditDeps): DenialAudit {
  let tokens = deps.burst;
  let refilledAt = deps.clock();
  let pending = new Map<string, Pending>();
  let flushing: Promise<void> | undefined;

  async function flushNow(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const records = [...batch.values()].map((p) => {
      const message = `${p.count} requests refused with ${p.code} between ${new Date(p.first).toISOString()} and ${new Date(p.last).toISOString()} were counted, not recorded one by one (over identity.denial_audit.rate_per_s).`;
      const base = { decisionId: deps.ids.decisionId(), gatewayId: deps.gatewayId, principal: anonymousPrincipal(), request: { api: p.api, route: p.route, stream: false } };
      return decisionRecord(deps.ids, base, { error: { code: p.code, message } });
    });
    try {
      await deps.publish(records);
    } catch (err) {
      // Put the counts back so the next flush carries them; the ledger must account for every refusal.
      for (const [k, p] of batch) {
        const now = pending.get(k);
        if (now) {
          now.count += p.count;
          now.first = Math.min(now.first, p.first);
        } else pending.set(k, p);
      }
      deps.logger?.error({ err, summaries: records.length }, 'refusal summaries could not be audited; retrying');
    }
  }

  const flush = (): Promise<void> => (flushing ??= flushNow().finally(() => (flushing = undefined)));
  const timer = setInterval(() => void flush(), deps.flushEveryMs ?? 1000);
  timer.unref();

  return {
    admit(code, api, route) {
      const now = deps.clock();
      tokens = Math.min(deps.burst, tokens + ((now - refilledAt) / 1000) * deps.ratePerS);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      const key = `${code}\u0000${api}\u0000${route}`;
      const p = pending.get(key);
      if (p) {
        p.count++;
        p.last = now;
      } else pending.set(key, { code, api, route, count: 1, first: now, last: now });
      return false;
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
