// Classification speed on one core: p50/p99 per prompt and MB/s for 0.5 KB, 2 KB and 32 KB
// prompts with every recognizer, the injection rules and the model on, and a 1 MB prompt to show
// that cost grows linearly. The baseline, measured in the same run, is JSON.parse of the chat
// request that carries the same prompt: work the gateway does for every request anyway.

import { createClassifier } from '../gateway/src/classify/index.js';
import { detectInjection } from '../gateway/src/classify/injection/detect-injection.js';

/** Prose with the values a support or finance prompt carries, about one value per 300 characters. */
const PARAGRAPHS = [
  'Hi team, please summarise the customer thread below and draft a reply that apologises for the delay. ',
  'The customer, Maria Keller, wrote on 2024-05-17 that her order 55120 has not arrived and asked for a refund to card 4111 1111 1111 1111. ',
  'She can be reached at maria.keller@example.com or on (415) 555-2671 between 9am and 5pm. ',
  'Our records show the parcel left the warehouse in Rotterdam on Monday and was scanned twice in transit. ',
  'Finance asked us to confirm the refund goes to IBAN DE89 3704 0044 0532 0130 00 instead, which matches the account on file. ',
  'Keep the answer short, friendly and in plain English, and do not promise a delivery date we cannot keep. ',
  'The courier said the delay was caused by a strike at the depot; the tracking page at https://track.example.com/p/55120 was not updated. ',
  'Please also list three things we can do to stop this happening again, with an owner for each. ',
];

/** The same kind of request without personal values: the common case. */
const PROSE = [
  'Hi team, please summarise the discussion below and draft a reply that thanks everyone for their input. ',
  'The product group met on Monday to review the roadmap for the next quarter and agreed on three priorities. ',
  'First, the mobile app needs to start faster and work offline, since field staff often lose their connection. ',
  'Second, the reporting pages should load in under a second for large accounts, which means caching the totals. ',
  'Third, the onboarding flow must explain the permissions model better; support tickets about it doubled. ',
  'Keep the answer short, friendly and in plain English, and do not promise dates we cannot keep. ',
];

/** Everyday requests in several of the languages the injection cues cover. */
const MULTILINGUAL = [
  'Bitte fasse die folgenden Notizen zusammen und schreibe eine freundliche Antwort an das Team. ',
  'Por favor, revisa el informe trimestral y destaca los tres riesgos principales para la dirección. ',
  'Пожалуйста, переведи это письмо клиенту на русский язык и сохрани вежливый тон. ',
  '请把下面的会议记录整理成五个要点，并列出每个任务的负责人。 ',
  '次の議事録を要約して、来週までの作業を箇条書きにしてください。 ',
  'لطفاً این گزارش را خلاصه کن و نکات مهم را برای مدیر بفرست. ',
];

/** Licence-like prose in the second person and the imperative, as teams paste it for review. */
const LEGAL = [
  'You may reproduce and distribute copies of the Work in any medium, provided that you give recipients a copy of this Licence. ',
  'You must not remove any copyright, patent or attribution notice from the Source form of the Work. ',
  'The Licensor shall not be liable for any damages arising from the use of the Work, except where required by applicable law. ',
  'If you breach any term of this Agreement, your rights under it terminate automatically without notice. ',
];

function prompt(size: number, paragraphs: readonly string[] = PARAGRAPHS): string {
  let text = '';
  for (let i = 0; text.length < size; i++) text += paragraphs[i % paragraphs.length];
  return text.slice(0, size);
}

function requestBody(text: string): string {
  return JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: text }] });
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Per-call times in microseconds, after a warm-up, for about `budgetMs` of work. */
export function measure(run: () => void, budgetMs: number): number[] {
  const warmUntil = performance.now() + budgetMs / 5;
  while (performance.now() < warmUntil) run();
  const times: number[] = [];
  const until = performance.now() + budgetMs;
  while (performance.now() < until || times.length < 50) {
    const t0 = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return times.sort((a, b) => a - b);
}

function fmt(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}

export async function benchClassify(): Promise<string[]> {
  const classifier = createClassifier();
  const budgetMs = Number(process.env['BENCH_CLASSIFY_MS'] ?? 3000);
  const lines = [
    `Classification, one core, Node ${process.version}; every recognizer, injection rules and model on; baseline: JSON.parse of the chat request carrying the prompt`,
    '| prompt | p50 | p99 | MB/s | baseline p50 | p50 / baseline |',
    '|---|---|---|---|---|---|',
  ];
  let perByte32k = 0;
  const cases: [string, number, readonly string[]][] = [
    ['', 512, PARAGRAPHS],
    ['', 2048, PARAGRAPHS],
    ['', 32 * 1024, PARAGRAPHS],
    [' prose', 2048, PROSE],
  ];
  for (const [kind, size, paragraphs] of cases) {
    const text = prompt(size, paragraphs);
    const body = requestBody(text);
    const times = measure(() => classifier.classify(text), budgetMs);
    const baseline = measure(() => JSON.parse(body), budgetMs / 3);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const mbPerS = size / mean;
    if (size === 32 * 1024) perByte32k = mean / size;
    lines.push(
      `| ${size >= 1024 ? `${size / 1024} KB` : `${size} B`}${kind} | ${fmt(percentile(times, 50))} | ${fmt(percentile(times, 99))} | ${mbPerS.toFixed(1)} | ${fmt(percentile(baseline, 50))} | ${(percentile(times, 50) / percentile(baseline, 50)).toFixed(1)}x |`,
    );
  }
  // The injection detector alone (the fast tier: rules, cues in 17 languages, the model), 2 KB prompts.
  lines.push('', 'Injection detection alone, 2 KB prompts', '| prompt | p50 | p99 |', '|---|---|---|');
  for (const [kind, paragraphs] of [['English prose', PROSE], ['values (support ticket)', PARAGRAPHS], ['multilingual prose', MULTILINGUAL], ['licence prose', LEGAL]] as const) {
    const text = prompt(2048, paragraphs);
    const times = measure(() => detectInjection(text, 0.5), budgetMs);
    lines.push(`| ${kind} | ${fmt(percentile(times, 50))} | ${fmt(percentile(times, 99))} |`);
  }
  const big = prompt(1024 * 1024);
  const bigTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    classifier.classify(big);
    bigTimes.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  bigTimes.sort((a, b) => a - b);
  const bigMedian = percentile(bigTimes, 50);
  lines.push(
    `1 MB prompt: ${fmt(bigMedian)} median of 5 (${(big.length / bigMedian).toFixed(1)} MB/s); cost per byte ${(bigMedian / big.length / perByte32k).toFixed(2)}x that of a 32 KB prompt (1.00x = linear)`,
  );
  return lines;
}

// Run directly: node --import tsx bench/classify.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchClassify()) process.stdout.write(`${line}\n`);
}
