// Relays a streamed answer to the caller: events pass as the answer guard releases them (once
// their text is classified), and only the API's final event waits for the outcome record to be
// durable. A failure mid-stream, or a response decision that blocks, ends the stream with the
// API's error event instead.
import type { Response } from 'express';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError, isGatewayError, toGatewayError } from '../errors.js';
import type { MeteredPublish } from '../audit/metered-publish.js';
import type { RecordBase } from '../audit/records.js';
import type { ModelRoute } from '../providers/registry.js';
import type { CallTrace } from '../providers/types.js';
import type { SseEvent } from '../providers/sse.js';
import type { PlaceholderMap } from '../redact/index.js';
import { providerOutcome } from './api/provider-outcome.js';
import type { ApiAdapter, ParsedRequest, Usage } from './api/types.js';
import { decideAnswer, type AnswerDecision } from './answer-policy.js';
import { createAnswerStreamGuard } from './answer-stream-guard.js';
import type { DecisionInput } from './decision-input.js';
import type { PipelineDeps } from './deps.js';
import { policyRecord } from './policy-record.js';
import type { RequestState } from './request-state.js';
import { recordOutcome } from './steps/record.js';

type Outcome = NonNullable<AuditRecordV1['outcome']>;


export interface StreamContext {
  deps: PipelineDeps;
  adapter: ApiAdapter;
  res: Response;
  state: RequestState;
  base: RecordBase;
  route: ModelRoute;
  parsed: ParsedRequest;
  /** The request decision's input; the response decision extends it. */
  input: DecisionInput;
  events: AsyncIterable<SseEvent>;
  signal: AbortSignal;
  commit: MeteredPublish;
  /** Answered from the response cache. */
  cached?: boolean;
  trace: CallTrace;
  /** The prompt's placeholders, restored in the answer (reversible mode). */
  restoreMap?: PlaceholderMap;
}

export function writeEvent(res: Response, ev: SseEvent): Promise<void> {
  const text = `${ev.event !== undefined ? `event: ${ev.event}\n` : ''}data: ${ev.data}\n\n`;
  if (res.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The error a blocking response decision gives the caller. */
export function blockedAnswerError(decision: AnswerDecision): GatewayError {
  const { result } = decision;
  if (result.error) return new GatewayError(result.error.code);
  const detail = result.reasons.map((r) => r.message).join(' ');
  return new GatewayError('GW_ERR_RESPONSE_BLOCKED', { ...(detail ? { detail } : {}), ...(result.output?.status !== undefined ? { status: result.output.status } : {}) });
}

export async function relayStream(c: StreamContext): Promise<void> {
  const { res, adapter, state, signal, deps } = c;
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-palisade-decision-id', state.decisionId);
  res.flushHeaders();

  let text = '';
  let usage: Usage | undefined;
  let decision: AnswerDecision | undefined;
  const guard = createAnswerStreamGuard({
    reader: adapter.stream,
    classifier: deps.classifier,
    release: deps.config.answers.stream_release,
    holdBackChars: deps.config.answers.hold_back_chars,
    hashKey: deps.redaction.hashKey,
    ...(c.restoreMap ? { restoreMap: c.restoreMap } : {}),
    judge: (classification) => {
      decision = decideAnswer(deps, c.input, classification, { chars: text.length, ...(usage ? { usage } : {}) });
      return { allow: decision.result.allow, ...(decision.result.output ? { output: decision.result.output } : {}) };
    },
  });
  let final: SseEvent | undefined;
  let failure: GatewayError | undefined;
  let blocked = false;
  try {
    for await (const ev of c.events) {
      if (adapter.stream.isFinal(ev)) {
        final = ev;
        break;
      }
      let parsedEvent: unknown;
      if (adapter.stream.isJson(ev)) {
        try {
          parsedEvent = JSON.parse(ev.data);
        } catch (cause) {
          failure = new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', { cause });
          break;
        }
      }
      const piece = adapter.stream.text(ev, parsedEvent);
      text += piece;
      usage = adapter.stream.usage(ev, parsedEvent) ?? usage;
      const step = guard.push(ev, parsedEvent, piece, adapter.stream.toolText(ev, parsedEvent));
      if (step.blocked) {
        blocked = true;
        break;
      }
      for (const out of step.events) await writeEvent(res, out);
      if (signal.aborted) break;
    }
    if (!final && !failure && !blocked && !signal.aborted) failure = new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', { detail: 'The stream ended early.' });
  } catch (cause) {
    failure = signal.aborted ? undefined : isGatewayError(cause) ? cause : new GatewayError('GW_ERR_UPSTREAM_UNREACHABLE', { cause });
  }
  // The answer (or what came of it) is decided on as a whole before anything else is released.
  if (!blocked && !signal.aborted) {
    const step = guard.end();
    if (step.blocked) blocked = true;
    else for (const out of step.events) await writeEvent(res, out);
  }
  if (blocked) failure = blockedAnswerError(decision!);

  const status = failure ? failure.status : signal.aborted ? 499 : 200;
  const outcome: Outcome = providerOutcome(deps.providers, {
    trace: c.trace, route: c.route, parsed: c.parsed, status, startedAt: state.startedAt, now: deps.clock(),
    ...(usage ? { usage } : {}), answerText: text, cached: c.cached === true,
  });
  if (c.cached) outcome.cached = true;
  if (failure) {
    outcome.status = failure.status;
    outcome.error = { code: failure.code, message: failure.message };
  } else if (signal.aborted) {
    // 499: the caller closed the connection (nginx's convention).
    outcome.status = 499;
    outcome.error = { code: 'client_disconnected', message: 'The caller closed the connection.' };
  }
  try {
    const redaction = guard.record();
    await recordOutcome(
      { ids: deps.ids, commit: deps.commit, publish: c.commit },
      c.base,
      outcome,
      { ...(decision ? { classification: decision.classification, policy: policyRecord(decision.result, decision.input) } : {}), redaction },
      // What the caller received; a withheld answer is kept as the provider wrote it.
      { mode: c.base.contentMode ?? 'hash', parts: { response: blocked ? text : guard.sentText } },
    );
  } catch (err) {
    failure = toGatewayError(err);
    deps.logger.error({ decision_id: state.decisionId, code: failure.code }, 'outcome record not committed; the stream ends without its final event');
  }
  if (!res.writableEnded && !signal.aborted) {
    await writeEvent(res, failure ? adapter.stream.errorEvent(failure, state.decisionId) : guard.finalEvent(final as SseEvent));
  }
  res.end();
}
