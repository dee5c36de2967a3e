// `palisade classify`: classifies JSON Lines from stdin ({"id", "text"} per line) and writes one
// JSON line per input, in the same order. A bad line gets an error line and the rest go on; the
// exit code says whether any line was bad.

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { schemaAjv } from '@palisade/audit-core';
import { classifierOptionsFromConfig, ClassifySchema, createClassifier, type ClassifyConfig } from '../classify/index.js';
import { ERRORS, GatewayError } from '../errors.js';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

export const CLASSIFY_USAGE = `Usage: palisade classify [--classes FILE]
  Reads JSON Lines {"id": …, "text": "…"} on stdin and writes one line per input:
  {"id", "entities": [{"type", "start", "end", "score"}], "labels": […], "injection": {"score", "detected", "signals"}}
  Offsets are JavaScript string indices (UTF-16 code units). A malformed line gets
  {"id", "line", "error": {"code", "message"}} and the exit code is 1.
  --classes FILE   JSON with the configuration's "classify" section (thresholds, custom classes)
`;

const BAD_LINE = 'GW_ERR_CLASSIFY_INPUT_INVALID';

function loadClassifyConfig(file: string): ClassifyConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `classify: cannot read ${file} as JSON.`, cause: err });
  }
  const validate = schemaAjv('all-errors').compile<ClassifyConfig>(ClassifySchema);
  if (!validate(parsed)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `classify: ${file}: ${problems}.` });
  }
  return parsed;
}

function write(stream: Writable, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(line, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

/** The id a line carries, if it carries a usable one. */
function idOf(value: unknown): string | number | null {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

export async function runClassifyCli(args: string[], io: CliIo): Promise<number> {
  let classes: string | undefined;
  try {
    ({ values: { classes } } = parseArgs({ args, options: { classes: { type: 'string' } }, strict: true }));
  } catch (err) {
    io.stderr.write(`palisade classify: ${err instanceof Error ? err.message : String(err)}\n\n${CLASSIFY_USAGE}`);
    return 2;
  }
  const classifier = createClassifier(classes === undefined ? undefined : classifierOptionsFromConfig(loadClassifyConfig(classes)));
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  let lineNumber = 0;
  let bad = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    let problem: string | undefined;
    try {
      parsed = JSON.parse(line);
    } catch {
      // The message of JSON.parse quotes the input; the input may hold personal data.
      problem = 'The line is not valid JSON.';
    }
    const id = idOf(parsed);
    const text = typeof parsed === 'object' && parsed !== null ? (parsed as { text?: unknown }).text : undefined;
    if (problem === undefined && typeof text !== 'string') problem = 'The line has no string "text".';
    if (problem !== undefined || typeof text !== 'string') {
      bad++;
      const error = { code: BAD_LINE, message: `${ERRORS[BAD_LINE].message} ${problem ?? ''}`.trim() };
      await write(io.stdout, `${JSON.stringify({ id, line: lineNumber, error })}\n`);
      continue;
    }
    const result = classifier.classify(text);
    const out = {
      id,
      entities: result.entities.map((e) => ({ type: e.type, start: e.start, end: e.end, score: e.score })),
      labels: result.labels,
      injection: result.injection,
    };
    await write(io.stdout, `${JSON.stringify(out)}\n`);
  }
  return bad > 0 ? 1 : 0;
}
