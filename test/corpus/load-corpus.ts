// Reads the project's classification corpus. PII lines mark each value in place as
// [[TYPE:value]]; the loader removes the marks and returns the text with exact spans (UTF-16
// offsets), so the corpus stays readable and its offsets cannot drift.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS_DIR = import.meta.dirname;

export interface Span {
  type: string;
  start: number;
  end: number;
}

export interface PiiCase {
  id: string;
  text: string;
  spans: Span[];
}

export interface PromptCase {
  id: string;
  text: string;
  label: 'benign' | 'injection' | 'jailbreak';
}

const MARK = /\[\[([A-Z0-9_]+):((?:(?!\]\]).)*)\]\]/gs;

export function unmark(marked: string): { text: string; spans: Span[] } {
  const spans: Span[] = [];
  let text = '';
  let copied = 0;
  for (const m of marked.matchAll(MARK)) {
    text += marked.slice(copied, m.index);
    const value = m[2] ?? '';
    spans.push({ type: m[1] ?? '', start: text.length, end: text.length + value.length });
    text += value;
    copied = (m.index ?? 0) + m[0].length;
  }
  text += marked.slice(copied);
  return { text, spans };
}

function jsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export function loadPiiCorpus(file = join(CORPUS_DIR, 'pii.jsonl')): PiiCase[] {
  return jsonLines<{ id: string; marked: string }>(file).map(({ id, marked }) => ({ id, ...unmark(marked) }));
}

export function loadPromptCorpus(file = join(CORPUS_DIR, 'injection-eval.jsonl')): PromptCase[] {
  return jsonLines<PromptCase>(file);
}
