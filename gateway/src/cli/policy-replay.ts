// `palisade policy replay`: re-evaluates every recorded decision of a ledger against a candidate
// bundle and reports what would change, so a policy change can be judged on real traffic before
// it ships. Replaying with the recorded revision reproduces every decision.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { GatewayError } from '../errors.js';
import {
  createPolicyEngine,
  POLICY_ENTRYPOINTS,
  readBundle,
  readBundleDirectory,
  resolveVerification,
  type PolicyBundle,
  type PolicyEngine,
  type PolicyKind,
} from '../policy/index.js';
import { findLogs, readLogRecords } from './policy-ledger-records.js';
import { createProgress, type ProgressStream } from './policy-progress.js';
import { buildReport, formatReport, ReplayTally, type ReplayReport } from './policy-replay-report.js';

export interface PolicyCommandIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

export const POLICY_USAGE = `Usage:
  palisade policy replay --bundle BUNDLE --ledger DIR [--ledger DIR ...] [options]

Re-evaluates every decision recorded in the ledger with BUNDLE (a .tar.gz bundle or an unpacked
bundle directory) and reports the decisions that would change.

Options:
  --since TIME                 only decisions at or after TIME (RFC 3339)
  --max-changed-percent P      exit 1 when more than P percent of the decisions change
  --public-key PEM --key-id ID verify the bundle's signature first (with --scope S if it has one)
  --examples N                 decision ids shown per kind of change (default 5)
  --json                       print the report as JSON
`;

/** Replays must not fail on the clock: the work bound still applies, the wall-time deadline hardly. */
const REPLAY_DEADLINE_MS = 10_000;

const ENTRYPOINT_KINDS = new Map<string, PolicyKind>(Object.entries(POLICY_ENTRYPOINTS).map(([kind, entrypoint]) => [entrypoint, kind as PolicyKind]));

class UsageError extends Error {}

interface ReplayOptions {
  bundle: string;
  ledgers: string[];
  since?: number;
  maxChangedPercent?: number;
  publicKey?: string;
  keyId?: string;
  scope?: string;
  examples: number;
  json: boolean;
}

function parseReplayArgs(args: string[]): ReplayOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      options: {
        bundle: { type: 'string' },
        ledger: { type: 'string', multiple: true },
        since: { type: 'string' },
        'max-changed-percent': { type: 'string' },
        'public-key': { type: 'string' },
        'key-id': { type: 'string' },
        scope: { type: 'string' },
        examples: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (!v.bundle) throw new UsageError('--bundle BUNDLE is required');
  if (!v.ledger || v.ledger.length === 0) throw new UsageError('--ledger DIR is required');
  const options: ReplayOptions = { bundle: v.bundle, ledgers: v.ledger, examples: 5, json: v.json ?? false };
  if (v.since !== undefined) {
    const since = Date.parse(v.since);
    if (Number.isNaN(since) || !/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v.since)) throw new UsageError(`--since "${v.since}" is not an RFC 3339 time`);
    options.since = since;
  }
  if (v['max-changed-percent'] !== undefined) {
    const p = Number(v['max-changed-percent']);
    if (!Number.isFinite(p) || p < 0 || p > 100) throw new UsageError('--max-changed-percent must be a number from 0 to 100');
    options.maxChangedPercent = p;
  }
  if (v.examples !== undefined) {
    const n = Number(v.examples);
    if (!Number.isInteger(n) || n < 0) throw new UsageError('--examples must be a whole number');
    options.examples = n;
  }
  if ((v['public-key'] === undefined) !== (v['key-id'] === undefined)) throw new UsageError('--public-key and --key-id go together');
  if (v['public-key'] !== undefined) options.publicKey = v['public-key'];
  if (v['key-id'] !== undefined) options.keyId = v['key-id'];
  if (v.scope !== undefined) options.scope = v.scope;
  return options;
}

async function readCandidate(path: string): Promise<PolicyBundle> {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (cause) {
    throw new GatewayError('GW_ERR_BUNDLE_UNAVAILABLE', { detail: `${path} cannot be read.`, cause });
  }
  return isDirectory ? readBundleDirectory(path) : readBundle(await readFile(path));
}

async function loadCandidate(options: ReplayOptions): Promise<PolicyEngine> {
  const verification =
    options.publicKey !== undefined && options.keyId !== undefined
      ? resolveVerification({ public_key_file: options.publicKey, key_id: options.keyId, ...(options.scope !== undefined ? { scope: options.scope } : {}) }, '--public-key')
      : undefined;
  const engine = createPolicyEngine({
    logger: pino({ level: 'silent' }),
    evaluation: { deadlineMs: REPLAY_DEADLINE_MS },
    ...(verification ? { verification: verification.verification } : {}),
  });
  await engine.activate(await readCandidate(options.bundle), options.bundle);
  return engine;
}

async function replay(options: ReplayOptions, io: PolicyCommandIo): Promise<ReplayReport> {
  const engine = await loadCandidate(options);
  const logs = (await Promise.all(options.ledgers.map(findLogs))).flat();
  const total = logs.reduce((n, l) => n + l.size, 0);
  const progress = createProgress(io.stderr, total, 'replaying');
  const tally = new ReplayTally(options.examples);
  const skipped = { not_a_decision: 0, no_input: 0, unknown_entrypoint: 0, before_since: 0 };
  let records = 0;
  try {
    for (const log of logs) {
      for await (const record of readLogRecords(log)) {
        records++;
        if (records % 64 === 0) progress.update(records);
        const policy = record.policy;
        // Decision records carry the request decision, outcome records the response decision.
        if (!policy) {
          skipped.not_a_decision++;
          continue;
        }
        if (options.since !== undefined && !(Date.parse(record.timestamp) >= options.since)) {
          skipped.before_since++;
          continue;
        }
        const kind = ENTRYPOINT_KINDS.get(policy.entrypoint);
        if (kind === undefined) {
          skipped.unknown_entrypoint++;
          continue;
        }
        if (!policy.input) {
          skipped.no_input++;
          continue;
        }
        const result = engine.evaluate(kind, policy.input);
        const recorded = { decisionId: record.decision_id, allow: policy.allow, reasons: policy.reasons, ...(policy.error ? { error: policy.error } : {}) };
        tally.add(recorded, { allow: result.allow, reasons: result.reasons, ...(result.error ? { error: result.error.code } : {}) });
      }
    }
  } finally {
    progress.update(records);
    progress.finish();
  }
  const info = engine.status().bundle;
  await engine.close();
  const bundle: ReplayReport['bundle'] = { name: info?.name ?? '', revision: info?.revision ?? '', digest: info?.digest ?? '' };
  if (info?.key_id) bundle.key_id = info.key_id;
  return buildReport(tally, { bundle, logs: logs.length, records, skipped }, options.maxChangedPercent);
}

/**
 * Runs `palisade policy <subcommand> ...`. Returns the exit code: 0 done, 1 past the threshold,
 * 2 usage errors. Operational errors (unreadable bundle or ledger) are thrown as GatewayErrors.
 */
export async function policyCommand(args: string[], io: PolicyCommandIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout.write(POLICY_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'replay') {
    io.stderr.write(`palisade policy: unknown subcommand "${sub}"\n\n${POLICY_USAGE}`);
    return 2;
  }
  let options: ReplayOptions;
  try {
    options = parseReplayArgs(rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`palisade policy replay: ${err.message}\n\n${POLICY_USAGE}`);
    return 2;
  }
  const report = await replay(options, io);
  io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.passed ? 0 : 1;
}
