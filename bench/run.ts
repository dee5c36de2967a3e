// `make bench`: every benchmark, each measuring our path and its baseline in the same run and
// printing the ratio. `make bench ONLY=gateway,policy` runs a subset.
import { benchGateway } from './gateway.js';
import { benchPolicy } from './policy.js';
import { benchIdentity } from './identity.js';
import { benchLimits } from './limits.js';
import { benchProviders } from './providers.js';
import { benchClassify } from './classify.js';
import { benchIngress } from './ingress.js';
import { benchAudit } from './audit.js';
import { benchSoak } from './soak.js';

const sections: Record<string, () => Promise<string[]>> = {
  gateway: benchGateway,
  policy: benchPolicy,
  identity: benchIdentity,
  limits: benchLimits,
  providers: benchProviders,
  classify: benchClassify,
  ingress: benchIngress,
  audit: benchAudit,
  soak: benchSoak,
  overload: async () => (await import('./overload.js')).benchOverload(),
  stream: async () => (await import('./stream-release.js')).benchStreamRelease(),
  peers: async () => (await import('./peers.js')).benchPeers(),
  console: async () => (await import('./console.js')).benchConsole(),
  profile: async () => (await import('./profile.js')).benchProfile(),
  'kafka-clients': async () => (await import('./kafka-clients.js')).benchKafkaClients(),
};

const only = (process.env['ONLY'] ?? '').split(',').filter((s) => s !== '');
for (const [name, run] of Object.entries(sections)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const lines = await run();
  process.stdout.write(`${lines.join('\n')}\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
