// One request's standing with the limits: whether it was admitted, what to tell the caller and the
// audit record, and the token and spend reservations that are corrected once the answer is known.
import type { AuditLimits } from '@palisade/audit-core';
import type { GatewayError } from '../errors.js';
import type { SseEvent } from '../providers/sse.js';
import type { StreamReader } from '../pipeline/api/types.js';
import { estimateTokens } from '../tokens/estimate-tokens.js';
import type { BudgetAdjustment, RateAdjustment } from './limit-store.js';

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What the answer turned out to cost. */
export interface Settlement {
  usage?: TokenUsage;
  /** The outcome's own cost, when the pipeline priced it; preferred over the limiter's table. */
  costUsd?: number;
  /** Answer tokens counted from the text, for answers that report no usage. */
  completionTokens?: number;
}

export interface Admission {
  /** Set when the request is refused (rate limited, over budget, unpriced, backend down, bad tier). */
  readonly error?: GatewayError;
  /** Rate limit headers for the answer (or the refusal). */
  readonly headers: Readonly<Record<string, string>>;
  /** What the decision record says about limits; absent when none applies. */
  readonly record?: AuditLimits;
  /** Corrects the reservations with what the answer really cost. Later calls are ignored. */
  settle(actual: Settlement): void;
  /** Passes a streamed answer through, counting its tokens as they flow and settling at its end. */
  meter(events: AsyncIterable<SseEvent>, reader: StreamReader): AsyncIterable<SseEvent>;
  /** Gives back whatever is still reserved if the request never settled (nothing was answered, or the cache answered). */
  finish(): void;
}

/** Charges of an admitted request that may still change; owned by the limiter. */
export interface Reservation {
  estimateTokens: number;
  tokenRates: { key: string; limit: number; windowMs: number; charged: number }[];
  budgets: { key: string; expiresAt: number; charged: number; index: number }[];
  /** Micro-USD of prompt and completion token counts; undefined when the model has no price. */
  cost(promptTokens: number, completionTokens: number): number | undefined;
  /** Sends corrections; the limiter reports spend thresholds and backend errors. */
  apply(rates: RateAdjustment[], budgets: BudgetAdjustment[], budgetIndexes: number[]): void;
}

/** Streams flush their running count in steps of this many tokens, not on every event. */
const STREAM_STEP_TOKENS = 32;

class AdmittedRequest implements Admission {
  readonly headers: Readonly<Record<string, string>>;
  readonly record: AuditLimits;
  #settled = false;
  /** Answer tokens already charged while streaming. */
  #flowed = 0;
  readonly #r: Reservation;

  constructor(headers: Record<string, string>, record: AuditLimits, reservation: Reservation) {
    this.headers = headers;
    this.record = record;
    this.#r = reservation;
  }


  #moveTo(tokens: number, micros: number): void {
    const rates: RateAdjustment[] = [];
    for (const t of this.#r.tokenRates) {
      const delta = tokens - t.charged;
      if (delta !== 0) rates.push({ key: t.key, limit: t.limit, windowMs: t.windowMs, delta });
      t.charged = tokens;
    }
    const budgets: BudgetAdjustment[] = [];
    const indexes: number[] = [];
    for (const b of this.#r.budgets) {
      const delta = Math.round(micros - b.charged);
      if (delta !== 0) {
        budgets.push({ key: b.key, deltaMicros: delta, expiresAt: b.expiresAt });
        indexes.push(b.index);
      }
      b.charged += delta;
    }
    if (rates.length > 0 || budgets.length > 0) this.#r.apply(rates, budgets, indexes);
  }

  #flow(completion: number): void {
    if (this.#settled) return;
    if (completion - this.#flowed < STREAM_STEP_TOKENS) return;
    this.#flowed = completion;
    this.#moveTo(this.#r.estimateTokens + completion, this.#r.cost(this.#r.estimateTokens, completion) ?? 0);
  }

  settle(actual: Settlement): void {
    if (this.#settled) return;
    this.#settled = true;
    const usage = actual.usage;
    const prompt = usage?.prompt_tokens ?? this.#r.estimateTokens;
    const completion = usage?.completion_tokens ?? actual.completionTokens ?? 0;
    const tokens = usage?.total_tokens ?? prompt + completion;
    const micros = actual.costUsd !== undefined ? actual.costUsd * 1e6 : (this.#r.cost(prompt, completion) ?? 0);
    this.#moveTo(tokens, micros);
  }

  meter(events: AsyncIterable<SseEvent>, reader: StreamReader): AsyncIterable<SseEvent> {
    if (this.#r.tokenRates.length === 0 && this.#r.budgets.length === 0) return events;
    return this.#metered(events, reader);
  }

  async *#metered(events: AsyncIterable<SseEvent>, reader: StreamReader): AsyncGenerator<SseEvent> {
    let tokens = 0;
    let usage: TokenUsage | undefined;
    try {
      for await (const ev of events) {
        if (!reader.isFinal(ev) && reader.isJson(ev)) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(ev.data);
          } catch {
            // The pipeline reports a malformed event; counting just skips it.
            parsed = undefined;
          }
          if (parsed !== undefined) {
            const text = reader.text(ev, parsed);
            if (text.length > 0) {
              // Per event, with the same tokenizer as pre-flight estimates; providers stream about a token per event.
              tokens += estimateTokens(text);
              this.#flow(tokens);
            }
            usage = reader.usage(ev, parsed) ?? usage;
          }
        }
        yield ev;
      }
    } finally {
      // Runs when the stream ends, fails or the caller leaves: what flowed is what is counted.
      this.settle(usage ? { usage } : { completionTokens: tokens });
    }
  }

  finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#moveTo(0, 0);
  }
}

class RefusedRequest implements Admission {
  readonly error: GatewayError;
  readonly headers: Readonly<Record<string, string>>;
  readonly record: AuditLimits;

  constructor(error: GatewayError, headers: Record<string, string>, record: AuditLimits) {
    this.error = error;
    this.headers = headers;
    this.record = record;
  }


  settle(): void {}
  meter(events: AsyncIterable<SseEvent>): AsyncIterable<SseEvent> {
    return events;
  }
  finish(): void {}
}

/** A request no limit applies to. */
class UnlimitedRequest implements Admission {
  readonly headers: Readonly<Record<string, string>> = Object.freeze({});
  readonly record: AuditLimits | undefined;

  constructor(record?: AuditLimits) {
    this.record = record;
  }

  settle(): void {}
  meter(events: AsyncIterable<SseEvent>): AsyncIterable<SseEvent> {
    return events;
  }
  finish(): void {}
}

export const UNLIMITED: Admission = new UnlimitedRequest();

export function unlimited(record: AuditLimits): Admission {
  return new UnlimitedRequest(record);
}

export function admitted(headers: Record<string, string>, record: AuditLimits, reservation: Reservation): Admission {
  return new AdmittedRequest(headers, record, reservation);
}

export function refused(error: GatewayError, headers: Record<string, string>, record: AuditLimits): Admission {
  return new RefusedRequest(error, headers, record);
}
