// Neutral stream events -> OpenAI Responses stream events, in the documented order: response.created
// and response.in_progress; then each output item in turn, a message (output_item.added,
// content_part.added, output_text.delta…, output_text.done, content_part.done, output_item.done)
// or a function call (output_item.added, function_call_arguments.delta…,
// function_call_arguments.done, output_item.done); then response.completed (or .incomplete)
// holding every item. Every event carries the next sequence_number.
import type { SseEvent } from '../sse.js';
import type { ChatEvent } from './chat-model.js';
import type { Json } from './json-shapes.js';
import { functionCallItem, messageItem, responseObject, type ResponseEcho, type ResponseIds, type ResponseStatus } from './responses-codec.js';

type OpenItem =
  | { kind: 'message'; id: string; index: number; text: string }
  | { kind: 'call'; id: string; index: number; toolIndex: number; callId: string; name: string; arguments: string };

export class ResponsesEncoder {
  private seq = 0;
  private started = false;
  private model: string;
  private usage: { input: number; output: number } | undefined;
  private status: ResponseStatus = 'completed';
  private open: OpenItem | undefined;
  /** Finished items, in output order. */
  private readonly done: Json[] = [];
  /** Calls by their index in the neutral stream, for arguments that arrive after the next item began. */
  private readonly calls = new Map<number, Extract<OpenItem, { kind: 'call' }>>();
  private messages = 0;

  constructor(
    private readonly ids: ResponseIds,
    private readonly echo: ResponseEcho,
    model: string,
  ) {
    this.model = model;
  }

  private event(type: string, data: Json): SseEvent {
    return { event: type, data: JSON.stringify({ type, sequence_number: this.seq++, ...data }) };
  }

  private opening(): SseEvent[] {
    if (this.started) return [];
    this.started = true;
    const response = responseObject(this.ids, this.echo, this.model, 'in_progress', []);
    return [this.event('response.created', { response }), this.event('response.in_progress', { response })];
  }

  private close(): SseEvent[] {
    const item = this.open;
    if (!item) return [];
    this.open = undefined;
    if (item.kind === 'message') {
      const whole = messageItem(item.id, item.text, 'completed');
      this.done.push(whole);
      const at = { item_id: item.id, output_index: item.index, content_index: 0 };
      return [
        this.event('response.output_text.done', { ...at, text: item.text, logprobs: [] }),
        this.event('response.content_part.done', { ...at, part: { type: 'output_text', text: item.text, annotations: [] } }),
        this.event('response.output_item.done', { output_index: item.index, item: whole }),
      ];
    }
    const whole = functionCallItem(item.id, { id: item.callId, name: item.name, arguments: item.arguments }, 'completed');
    this.done.push(whole);
    return [
      this.event('response.function_call_arguments.done', { item_id: item.id, output_index: item.index, name: item.name, arguments: item.arguments }),
      this.event('response.output_item.done', { output_index: item.index, item: whole }),
    ];
  }

  private openMessage(): SseEvent[] {
    if (this.open?.kind === 'message') return [];
    const out = this.close();
    const id = this.messages++ === 0 ? this.ids.messageId : `msg_${this.ids.newId()}`;
    const item: OpenItem = { kind: 'message', id, index: this.done.length, text: '' };
    this.open = item;
    out.push(
      this.event('response.output_item.added', { output_index: item.index, item: messageItem(id, '', 'in_progress') }),
      this.event('response.content_part.added', { item_id: id, output_index: item.index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    );
    return out;
  }

  private openCall(toolIndex: number, callId: string, name: string): SseEvent[] {
    const out = this.close();
    const item: Extract<OpenItem, { kind: 'call' }> = { kind: 'call', id: `fc_${this.ids.newId()}`, index: this.done.length, toolIndex, callId, name, arguments: '' };
    this.open = item;
    this.calls.set(toolIndex, item);
    out.push(this.event('response.output_item.added', { output_index: item.index, item: functionCallItem(item.id, { id: callId, name, arguments: '' }, 'in_progress') }));
    return out;
  }

  encode(ev: ChatEvent): SseEvent[] {
    switch (ev.type) {
      case 'start':
        if (ev.model) this.model = ev.model;
        if (ev.inputTokens !== undefined) this.usage = { input: ev.inputTokens, output: this.usage?.output ?? 0 };
        return this.opening();
      case 'text': {
        const out = [...this.opening(), ...this.openMessage()];
        const item = this.open;
        if (item?.kind !== 'message') return out;
        item.text += ev.text;
        out.push(this.event('response.output_text.delta', { item_id: item.id, output_index: item.index, content_index: 0, delta: ev.text, logprobs: [] }));
        return out;
      }
      case 'tool_start':
        return [...this.opening(), ...this.openCall(ev.index, ev.id, ev.name)];
      case 'tool_args': {
        const call = this.calls.get(ev.index);
        if (!call) return [];
        call.arguments += ev.json;
        // Every format this translates from streams one call's arguments before the next call
        // begins; a late fragment cannot be sent after its item's done events.
        if (this.open !== call) return [];
        return [this.event('response.function_call_arguments.delta', { item_id: call.id, output_index: call.index, delta: ev.json })];
      }
      case 'usage':
        this.usage = { input: ev.input ?? this.usage?.input ?? 0, output: ev.output ?? this.usage?.output ?? 0 };
        return [];
      case 'stop':
        if (ev.reason === 'length') this.status = 'incomplete';
        return [];
      case 'done': {
        const out = this.opening();
        // An answer with nothing in it is still one (empty) message.
        if (this.done.length === 0 && this.open === undefined) out.push(...this.openMessage());
        out.push(...this.close());
        const response = responseObject(this.ids, this.echo, this.model, this.status, this.done, this.usage);
        out.push(this.event(this.status === 'completed' ? 'response.completed' : 'response.incomplete', { response }));
        return out;
      }
    }
  }
}
