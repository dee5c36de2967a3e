// The `palisade` command line: parses arguments and hands over to the library.
import { parseArgs } from 'node:util';
import { loadConfig } from './config/load-config.js';
import { isGatewayError } from './errors.js';
import { startGateway } from './start.js';
import { runClassifyCli } from './cli/classify.js';
import { policyCommand } from './cli/policy-replay.js';
import { keysCommand } from './cli/keys.js';
import { startBanner } from './cli/banner.js';

const USAGE = `Usage:
  palisade serve --config FILE     run the gateway
  palisade classify [--classes F]  classify JSON Lines {"id","text"} from stdin
  palisade policy replay ...       replay recorded decisions against a candidate bundle
  palisade keys create|list|revoke manage API keys in a keys file (palisade keys help)
  palisade help                    show this text
`;

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, strict: true });
  if (!values.config) {
    process.stderr.write(`palisade serve: --config FILE is required\n\n${USAGE}`);
    return 2;
  }
  const configFile = values.config;
  const loaded = loadConfig(configFile, process.env);
  // SIGHUP re-reads the file: what can change in place does, the rest is named as needing a restart.
  const gateway = await startGateway(loaded, { reload: { load: () => loadConfig(configFile, process.env) } });
  process.stdout.write(startBanner(loaded.config, gateway.url));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await gateway.close();
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
        return await runClassifyCli(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
      case 'keys':
        return keysCommand(rest);
      case 'policy':
        return await policyCommand(rest);
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
