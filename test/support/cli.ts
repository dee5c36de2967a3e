// Runs the project's command-line tools as a user would, from the built package bins.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './gateway.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(bin: 'palisade' | 'palisade-audit', args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const script = bin === 'palisade' ? join(REPO, 'gateway/bin/palisade.js') : join(REPO, 'audit-consumer/bin/palisade-audit.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** `palisade-audit ARGS…`, from the built package bin. */
export function auditCli(...args: string[]): Promise<CliResult> {
  return runCli('palisade-audit', args, { timeoutMs: 120_000 });
}
