// The `palisade` command line: parses arguments and hands over to the library. Each command loads
// only what it runs, so a primary of several workers, which serves no request, never loads the
// request path (about half a second of start-up and its memory).
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig, type LoadedConfig } from './config/load-config.js';
import { isGatewayError } from './errors.js';
import { startBanner } from './cli/banner.js';
import { cgroupCpuQuota, workerCount } from './workers/worker-count.js';

const USAGE = `Usage:
  palisade serve --config FILE     run the gateway
  palisade classify [--classes F]  classify JSON Lines {"id","text"} from stdin
  palisade policy replay ...       replay recorded decisions against a candidate bundle
  palisade keys create|list|revoke manage API keys in a keys file (palisade keys help)
  palisade help                    show this text
`;

function readTextOrNothing(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, strict: true });
  if (!values.config) {
    process.stderr.write(`palisade serve: --config FILE is required\n\n${USAGE}`);
    return 2;
  }
  const configFile = values.config;
  const load = (): LoadedConfig => loadConfig(configFile, process.env);
  const loaded = load();
  const workers = workerCount(loaded.config.server.workers, loaded.config.audit.sink, { cores: availableParallelism(), quota: cgroupCpuQuota(readTextOrNothing) });
  let running: { url: string; close(): Promise<void> };
  if (cluster.isWorker) {
    // Started by the primary below, which names the slot this worker serves.
    const [{ runWorker }, { parentChannel }] = await Promise.all([import('./workers/worker.js'), import('./workers/ipc.js')]);
    running = await runWorker(loaded, { slot: Number(process.env['PALISADE_WORKER_SLOT']), channel: parentChannel(), load });
  } else if (workers > 1) {
    cluster.setupPrimary({ serialization: 'advanced' });
    const { runPrimary } = await import('./workers/primary.js');
    const primary = await runPrimary(loaded, { count: workers, forker: { fork: (slot) => cluster.fork({ PALISADE_WORKER_SLOT: String(slot) }) } });
    process.on('SIGHUP', () => primary.reload());
    running = primary;
  } else {
    // SIGHUP re-reads the file: what can change in place does, the rest is named as needing a restart.
    const { startGateway } = await import('./start.js');
    running = await startGateway(loaded, { reload: { load } });
  }
  if (!cluster.isWorker) process.stdout.write(startBanner(loaded.config, running.url, { workers }));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      // A worker gets Ctrl-C from the terminal and SIGTERM from its primary: the second must not
      // cut its drain short (the primary kills what is left after the grace period).
      if (!cluster.isWorker) {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // A worker without its primary has nobody to answer for limits and nobody to restart it: it stops too.
    if (cluster.isWorker) process.on('disconnect', stop);
  });
  await running.close();
  // Client libraries may keep timers alive after a clean close; do not hang on them.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'classify':
        return await (await import('./cli/classify.js')).runClassifyCli(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
      case 'keys':
        return (await import('./cli/keys.js')).keysCommand(rest);
      case 'policy':
        return await (await import('./cli/policy-replay.js')).policyCommand(rest);
      case 'help':
      case '--help':
      case '-h':
      case undefined:
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`palisade: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    // Operators see the coded message (config problems list every path); never a stack trace.
    if (isGatewayError(err)) process.stderr.write(`palisade: ${err.code}: ${err.message}\n`);
    else process.stderr.write(`palisade: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
