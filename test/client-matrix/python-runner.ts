// Runs one Python client script against the gateway and reads its results: one JSON line per
// (case, model). The gateway's address and keys reach the script in its own environment only.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface PythonResult {
  case: string;
  model: string;
  ok: boolean;
  detail?: Record<string, unknown>;
  error?: string;
  status?: number | null;
  trace?: string;
}

export interface PythonRun {
  results: PythonResult[];
  /** Why the script produced no results for a cell: it crashed or ran out of time. */
  failure?: string;
}

const SCRIPTS = join(import.meta.dirname, 'python');

/** Bounded: a client that hangs is killed and reported rather than holding the test run. */
const SCRIPT_TIMEOUT_MS = 120_000;

export function runPythonScript(python: string, script: string, env: Record<string, string>): Promise<PythonRun> {
  return new Promise((resolve) => {
    execFile(
      python,
      [join(SCRIPTS, script)],
      { cwd: SCRIPTS, timeout: SCRIPT_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, env: { PYTHONDONTWRITEBYTECODE: '1', ...env } },
      (err, stdout, stderr) => {
        const results: PythonResult[] = [];
        for (const line of stdout.split('\n')) {
          if (!line.startsWith('{')) continue;
          try {
            results.push(JSON.parse(line) as PythonResult);
          } catch {
            // A client library's own output on stdout is not a result.
          }
        }
        const run: PythonRun = { results };
        if (err) run.failure = `${script}: ${err.killed ? `killed after ${SCRIPT_TIMEOUT_MS} ms` : err.message.split('\n')[0]}; stderr: ${stderr.slice(-1500)}`;
        resolve(run);
      },
    );
  });
}
