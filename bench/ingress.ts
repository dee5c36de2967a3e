// What classifying every string of a request costs against classifying its messages alone: a
// realistic chat request with a system prompt, a conversation with a tool round trip, and three
// tools with descriptions and parameter schemas. Ours reads the body against the chat field table
// and classifies every slot (each distinct string once); the baseline classifies the message
// contents only, as the gateway did before it read whole bodies. Aim: at most 1.20x.
import { createClassifier } from '../gateway/src/classify/index.js';
import { classifySlots } from '../gateway/src/pipeline/classify-slots.js';
import { OPENAI_CHAT_FIELDS } from '../gateway/src/pipeline/fields/openai-chat-fields.js';
import { readTable } from '../gateway/src/pipeline/fields/parsed-request.js';
import { measure, percentile } from './classify.js';

const tool = (name: string, description: string, props: Record<string, string>) => ({
  type: 'function',
  function: {
    name,
    description,
    parameters: { type: 'object', properties: Object.fromEntries(Object.entries(props).map(([k, d]) => [k, { type: 'string', description: d }])), required: Object.keys(props) },
  },
});

export function requestWithTools(): Record<string, unknown> {
  return {
    model: 'gpt-4o',
    temperature: 0.2,
    user: 'user-8841',
    metadata: { team: 'support', ticket: '55120' },
    messages: [
      { role: 'system', content: 'You are the support assistant of an online shop. Answer briefly and politely. Use the tools to look up orders and refunds; never promise delivery dates the courier has not confirmed.' },
      { role: 'user', content: 'Hi, my order 55120 has not arrived yet. It was supposed to come last Friday and the tracking page has not changed since Monday. Can you check what is going on and whether I can get a refund?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"55120"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"status":"in transit","carrier":"DHL","last_scan":"Rotterdam depot","scans":2,"eta":null}' },
      { role: 'assistant', content: 'Your parcel is in transit: it was last scanned at the Rotterdam depot. The courier has not given a new delivery date yet.' },
      { role: 'user', content: 'That is not good enough. If it does not arrive this week I want my money back to the same card. Please also tell me what you will do so this does not happen again.' },
    ],
    tools: [
      tool('lookup_order', 'Looks up an order by its number and returns its status, carrier and the last tracking scans.', { order_id: 'The order number, digits only.' }),
      tool('issue_refund', 'Refunds an order to the payment method it was paid with. Use only after the customer asked for a refund.', { order_id: 'The order number.', reason: 'Why the refund is issued, in one sentence.' }),
      tool('open_ticket', 'Opens a ticket with the courier about a delayed parcel.', { order_id: 'The order number.', summary: 'What went wrong, for the courier.' }),
    ],
  };
}

function contents(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const m of body['messages'] as { content?: unknown; tool_calls?: { function: { arguments: string } }[] }[]) {
    if (typeof m.content === 'string') out.push(m.content);
    for (const c of m.tool_calls ?? []) out.push(c.function.arguments);
  }
  return out;
}


/** `n` written in letters, so a suffix adds no digits for the number recognizers to read. */
function letters(n: number): string {
  let out = '';
  for (let k = Math.floor(n); k > 0; k = Math.floor(k / 26)) out += String.fromCharCode(97 + (k % 26));
  return out || 'a';
}

/** Every string value of `v` with a word appended: a request none of whose texts were seen before. */
function renamed(v: unknown, n: number): unknown {
  if (typeof v === 'string') return `${v} ${letters(n)}`;
  if (Array.isArray(v)) return v.map((x) => renamed(x, n));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'role' || k === 'type' || k === 'model' ? x : renamed(x, n)]));
  return v;
}

/** The same conversation with a new last message: what an agent's next call looks like. */
function nextTurn(body: Record<string, unknown>, n: number): Record<string, unknown> {
  const messages = [...(body['messages'] as Record<string, unknown>[])];
  messages[messages.length - 1] = { role: 'user', content: `That is not good enough, ${letters(n)}. If it does not arrive this week I want my money back to the same card.` };
  return { ...body, messages };
}

export async function benchIngress(): Promise<string[]> {
  const classifier = createClassifier();
  const body = requestWithTools();
  const budgetMs = Number(process.env['BENCH_CLASSIFY_MS'] ?? 3000);
  const bytes = JSON.stringify(body).length;
  const table = { unknownFields: 'refuse' } as const;
  const ours = (b: Record<string, unknown>): void => {
    classifySlots(classifier, readTable(b, OPENAI_CHAT_FIELDS, table).slots);
  };
  // Bodies are made before timing, so only the classifying is measured.
  const made = (make: (n: number) => Record<string, unknown>): (() => Record<string, unknown>) => {
    const bodies = Array.from({ length: 4096 }, (_, n) => make(n + 1 + Math.floor(1_000_000 * Math.random())));
    let i = 0;
    return () => bodies[i++ % bodies.length] as Record<string, unknown>;
  };
  const turns = made((n) => nextTurn(body, n));
  const fresh = made((n) => renamed(body, n) as Record<string, unknown>);
  const baseTurn: number[] = [];
  const warm: number[] = [];
  const baseFresh: number[] = [];
  const cold: number[] = [];
  // Interleaved rounds, so drift on a shared machine falls on every row alike.
  for (let round = 0; round < 3; round++) {
    baseTurn.push(...measure(() => classifier.classifyMany(contents(turns())), budgetMs / 12));
    warm.push(...measure(() => ours(turns()), budgetMs / 12));
    baseFresh.push(...measure(() => classifier.classifyMany(contents(fresh())), budgetMs / 12));
    cold.push(...measure(() => ours(fresh()), budgetMs / 12));
  }
  for (const t of [baseTurn, warm, baseFresh, cold]) t.sort((a, b) => a - b);
  const slots = readTable(body, OPENAI_CHAT_FIELDS, table).slots.length;
  const row = (name: string, t: readonly number[], base: readonly number[]): string =>
    `| ${name} | ${percentile(base, 50).toFixed(1)} µs | ${percentile(t, 50).toFixed(1)} µs | ${(percentile(t, 50) / percentile(base, 50)).toFixed(2)}x | ${percentile(base, 99).toFixed(1)} µs | ${percentile(t, 99).toFixed(1)} µs | ${(percentile(t, 99) / percentile(base, 99)).toFixed(2)}x |`;
  return [
    `Full-body classification of a ${(bytes / 1024).toFixed(1)} KB chat request with 3 tools (${slots} strings); baseline: its ${contents(body).length} message texts alone, as before bodies were read whole; one core`,
    '| request | baseline p50 | every string p50 | ratio | baseline p99 | every string p99 | ratio |',
    '|---|---|---|---|---|---|---|',
    row('next turn (history and tools seen before)', warm, baseTurn),
    row('first sight (no text seen before)', cold, baseFresh),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchIngress()) process.stdout.write(`${line}\n`);
}
