// One request's spans: the server span opened when the request is admitted, and the steps of the
// pipeline under it. Spans carry identifiers, names of models and providers, counts and codes;
// never prompt or answer text, and never error details, which may quote what a caller sent.
import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@opentelemetry/semantic-conventions/incubating';
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { MeteredPublish } from '../audit/metered-publish.js';
import { isGatewayError } from '../errors.js';
import type { Attempt, CallTrace } from '../providers/types.js';
import { genAiOperation } from './gen-ai.js';

export const ATTR_DECISION_ID = 'palisade.decision_id';

export interface UpstreamFacts {
  api: string;
  /** The model the caller asked for (a configured name). */
  model: string;
  stream: boolean;
}

export interface RequestTrace {
  /** The trace id an audit record carries: set only when this request's spans are exported. */
  readonly traceId: string | undefined;
  /** Runs one pipeline step in a span of its own; a promise's settlement ends it. */
  step<T>(name: string, fn: (span: Span) => T): T;
  /** The same publish, in a span per phase, with the trace id stamped on every record. */
  commit(publish: MeteredPublish): MeteredPublish;
  /**
   * Opens the provider call's span and watches the call's attempts, one span each; returns the
   * examiner to pass on, through which each attempt announces itself right before it sends.
   * The span ends when the outcome record is committed.
   */
  upstream<E extends (outgoing: unknown) => void>(facts: UpstreamFacts, call: CallTrace, examine: E): E;
  /** Ends the server span (and any span a failure left open). */
  end(status: number): void;
}

const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

const NO_TRACE: RequestTrace = {
  traceId: undefined,
  step: (_name, fn) => fn(NO_SPAN),
  commit: (publish) => publish,
  upstream: (_facts, _call, examine) => examine,
  end: () => undefined,
};

/** The trace of a request that is not traced: every call runs its work and nothing else. */
export function untraced(): RequestTrace {
  return NO_TRACE;
}

function errorType(err: unknown): string {
  return isGatewayError(err) ? err.code : 'internal';
}

function failed(span: Span, err: unknown): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorType(err));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

export interface RequestTraceOptions {
  tracer: Tracer;
  method: string;
  route: string;
  decisionId: string;
  /** `gen_ai.provider.name` by configured provider name. */
  providerNames: ReadonlyMap<string, string>;
  clock: () => number;
}

export function openRequestTrace(o: RequestTraceOptions): RequestTrace {
  const root = o.tracer.startSpan(`${o.method} ${o.route}`, {
    kind: SpanKind.SERVER,
    attributes: { [ATTR_HTTP_REQUEST_METHOD]: o.method, [ATTR_HTTP_ROUTE]: o.route, [ATTR_DECISION_ID]: o.decisionId },
  });
  const rootContext: Context = trace.setSpan(ROOT_CONTEXT, root);
  const recording = root.isRecording();
  const traceId = recording ? root.spanContext().traceId : undefined;
  let upstreamSpan: Span | undefined;
  const open = new Set<Span>();

  const start = (name: string, attributes: Attributes = {}, parent: Context = rootContext, kind: SpanKind = SpanKind.INTERNAL, startTime?: number): Span => {
    const span = o.tracer.startSpan(name, { kind, attributes, ...(startTime !== undefined ? { startTime } : {}) }, parent);
    open.add(span);
    return span;
  };
  const finish = (span: Span, endTime?: number): void => {
    open.delete(span);
    span.end(endTime);
  };

  function step<T>(name: string, fn: (span: Span) => T): T {
    const span = start(name);
    let result: T;
    try {
      result = fn(span);
    } catch (err) {
      failed(span, err);
      finish(span);
      throw err;
    }
    if (isPromise(result)) {
      result.then(() => finish(span), (err: unknown) => {
        failed(span, err);
        finish(span);
      });
    } else finish(span);
    return result;
  }

  /** What the outcome record says of the provider's answer, on the provider call's span. */
  function closeUpstream(outcome: AuditRecordV1['outcome']): void {
    const span = upstreamSpan;
    if (!span) return;
    upstreamSpan = undefined;
    if (outcome) {
      const provider = outcome.provider !== undefined ? o.providerNames.get(outcome.provider) : undefined;
      if (provider !== undefined) span.setAttributes({ [ATTR_GEN_AI_PROVIDER_NAME]: provider, [ATTR_GEN_AI_SYSTEM]: provider });
      if (outcome.model !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, outcome.model);
      if (outcome.usage) span.setAttributes({ [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: outcome.usage.prompt_tokens, [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: outcome.usage.completion_tokens });
      if (outcome.cached === true) span.setAttribute('palisade.cache_hit', true);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
      if (outcome.error) {
        span.setAttribute(ATTR_ERROR_TYPE, outcome.error.code);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    }
    finish(span);
  }

  return {
    traceId,
    step,
    commit: (publish) => async (records, phase) => {
      if (traceId !== undefined) for (const r of records) r.trace_id = traceId;
      if (phase === 'outcome') closeUpstream(records.at(-1)?.outcome);
      await step(`palisade.audit.${phase}`, (span) => {
        span.setAttribute(ATTR_DECISION_ID, records[0]?.decision_id ?? '');
        return publish(records, phase);
      });
    },
    upstream(facts, call, examine) {
      const operation = genAiOperation(facts.api);
      const span = start(`${operation} ${facts.model}`, { [ATTR_GEN_AI_OPERATION_NAME]: operation, [ATTR_GEN_AI_REQUEST_MODEL]: facts.model, [ATTR_GEN_AI_REQUEST_STREAM]: facts.stream }, rootContext, SpanKind.CLIENT);
      upstreamSpan = span;
      const parent = trace.setSpan(rootContext, span);
      let sendingAt: number | undefined;
      const attempts = call.attempts;
      // Attempts are recorded as they end; the examiner marks when each began sending.
      Object.defineProperty(attempts, 'push', {
        configurable: true,
        value: (...items: Attempt[]): number => {
          const now = o.clock();
          for (const a of items) {
            const provider = o.providerNames.get(a.provider);
            const attrs: Attributes = { 'palisade.provider': a.provider };
            if (provider !== undefined) attrs[ATTR_GEN_AI_PROVIDER_NAME] = provider;
            if (a.model !== undefined) attrs[ATTR_GEN_AI_REQUEST_MODEL] = a.model;
            if (a.status !== undefined) attrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = a.status;
            const s = start('palisade.upstream.attempt', attrs, parent, SpanKind.CLIENT, sendingAt ?? now);
            if (a.error !== undefined) {
              s.setAttribute(ATTR_ERROR_TYPE, a.error);
              s.setStatus({ code: SpanStatusCode.ERROR });
            }
            finish(s, now);
            sendingAt = undefined;
          }
          return Array.prototype.push.apply(attempts, items);
        },
      });
      const watched = (outgoing: unknown): void => {
        sendingAt = o.clock();
        examine(outgoing);
      };
      return watched as typeof examine;
    },
    end(status) {
      for (const span of [...open]) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        finish(span);
      }
      root.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) root.setStatus({ code: SpanStatusCode.ERROR });
      root.end();
    },
  };
}
