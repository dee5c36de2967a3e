// Lints and renders the Helm chart with the real helm, then checks what a cluster would run: probes, disruption budget, autoscaler, ledger volume, hardening, and configs the processes accept.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';
import YAML from 'yaml';
import { parseConfig } from '@palisade/gateway';
import { parseConsumerConfig } from '@palisade/audit-consumer';

const REPO = resolve(import.meta.dirname, '../..');
const CHART = join(REPO, 'deploy/helm/palisade');
const run = promisify(execFile);

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // Rendered objects are checked field by field below; their full types are Kubernetes', not ours.
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

interface Probe {
  httpGet?: { path: string; port: string | number };
}

interface Container {
  name: string;
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
}

interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    automountServiceAccountToken?: boolean;
    securityContext?: Record<string, unknown>;
    containers: Container[];
    volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string }; persistentVolumeClaim?: { claimName: string }; emptyDir?: object }[];
  };
}

let helm = '';
let kubeconform = '';
let schemas = '';

/** Renders the chart as `helm install` would, with `--set` assignments or a values document (JSON is YAML). */
async function render(...overrides: (string | object)[]): Promise<Manifest[]> {
  const args = ['template', 'palisade', CHART, '--namespace', 'palisade'];
  const dir = await mkdtemp(join(tmpdir(), 'palisade-chart-'));
  try {
    for (const [i, override] of overrides.entries()) {
      if (typeof override === 'string') {
        args.push('--set', override);
      } else {
        const file = join(dir, `values-${i}.json`);
        await writeFile(file, JSON.stringify(override));
        args.push('--values', file);
      }
    }
    return parseManifests((await run(helm, args, { cwd: REPO, maxBuffer: 16 * 1024 * 1024 })).stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function renderText(...args: string[]): Promise<string> {
  return (await run(helm, ['template', 'palisade', CHART, '--namespace', 'palisade', ...args], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 })).stdout;
}

/** kubeconform -strict on manifests given as text; resolves to its exit code and summary. */
async function kubeconformStrict(manifests: string): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-kubeconform-'));
  try {
    const file = join(dir, 'manifests.yaml');
    await writeFile(file, manifests);
    const args = ['-strict', '-summary', '-kubernetes-version', '1.37.2', '-schema-location', `${schemas}/{{ .ResourceKind }}{{ .KindSuffix }}.json`, file];
    try {
      const { stdout } = await run(kubeconform, args);
      return { code: 0, output: stdout };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string };
      return { code: failed.code ?? -1, output: failed.stdout ?? '' };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseManifests(stdout: string): Manifest[] {
  return YAML.parseAllDocuments(stdout)
    .map((doc) => {
      assert.deepEqual(doc.errors, [], 'helm template printed YAML that does not parse');
      return doc.toJSON() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  assert.ok(found, `no ${kind} ${name} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}

function podTemplate(workload: Manifest): PodTemplate {
  return workload.spec?.['template'] as PodTemplate;
}

function container(workload: Manifest): Container {
  const [first] = podTemplate(workload).spec.containers;
  assert.ok(first);
  return first;
}

/** Whether a selector (a workload's or budget's {matchLabels}, or a Service's plain map) picks pods with `labels`. */
function selects(selector: unknown, labels: Record<string, string>): boolean {
  const given = (selector ?? {}) as { matchLabels?: Record<string, string> } & Record<string, unknown>;
  const wanted = given.matchLabels ?? (given as Record<string, string>);
  return Object.keys(wanted).length > 0 && Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

/** The mount whose path holds `file`, the longest such. */
function mountHolding(c: Container, file: string): NonNullable<Container['volumeMounts']>[number] | undefined {
  return (c.volumeMounts ?? [])
    .filter((m) => (m.subPath ? file === m.mountPath : file.startsWith(`${m.mountPath}/`)))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
}

function assertHardened(workload: Manifest): void {
  const pod = podTemplate(workload);
  assert.equal(pod.spec.automountServiceAccountToken, false);
  assert.equal(pod.spec.securityContext?.['runAsNonRoot'], true);
  assert.notEqual(pod.spec.securityContext?.['runAsUser'], 0);
  for (const c of pod.spec.containers) {
    assert.equal(c.securityContext?.['readOnlyRootFilesystem'], true, `${c.name}: root filesystem is writable`);
    assert.equal(c.securityContext?.['allowPrivilegeEscalation'], false);
    assert.deepEqual((c.securityContext?.['capabilities'] as { drop?: string[] } | undefined)?.drop, ['ALL']);
    assert.ok(c.resources?.requests?.['cpu'] && c.resources.requests['memory'], `${c.name}: no resource requests`);
    assert.ok(c.resources.limits?.['memory'], `${c.name}: no memory limit`);
    assert.ok(mountHolding(c, '/tmp/x'), `${c.name}: /tmp is not writable`);
  }
}

describe('Helm chart deploy/helm/palisade', () => {
  before(async () => {
    // The first run builds helm from source (a few minutes); later runs find it cached.
    const { stdout } = await run(join(REPO, 'scripts/ensure-chart-tools.sh'), ['helm'], { cwd: REPO, timeout: 900_000 });
    helm = stdout.trim();
    kubeconform = (await run(join(REPO, 'scripts/ensure-chart-tools.sh'), ['kubeconform'], { cwd: REPO, timeout: 900_000 })).stdout.trim();
    schemas = (await run(join(REPO, 'scripts/ensure-k8s-schemas.sh'), { cwd: REPO, timeout: 900_000 })).stdout.trim();
  });

  test('helm lint --strict finds nothing', async () => {
    const { stdout } = await run(helm, ['lint', '--strict', CHART], { cwd: REPO });
    assert.match(stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  test('kubeconform -strict accepts every rendered manifest against the Kubernetes schemas', async () => {
    for (const args of [[], ['--values', join(CHART, 'ci/production-values.yaml')]]) {
      const text = await renderText(...args);
      const { code, output } = await kubeconformStrict(text);
      assert.equal(code, 0, output);
      assert.match(output, /Invalid: 0, Errors: 0, Skipped: 0/);
    }
  });

  test('the schemas are strict: a misspelt or mistyped field fails the check', async () => {
    const text = await renderText();
    const misspelt = text.replace('maxUnavailable: 0', 'maxUnavailable: 0\n      maxUnavaliable: 1');
    assert.notEqual(misspelt, text);
    const { code, output } = await kubeconformStrict(misspelt);
    assert.equal(code, 1);
    assert.match(output, /Deployment palisade-gateway is invalid.*maxUnavaliable/s);
    const mistyped = text.replace('containerPort: 8080', 'containerPort: "8080"');
    assert.notEqual(mistyped, text);
    assert.equal((await kubeconformStrict(mistyped)).code, 1);
  });

  test('the production example values render configs both processes accept', async () => {
    const manifests = parseManifests(await renderText('--values', join(CHART, 'ci/production-values.yaml')));
    const read: string[] = [];
    const gatewayJson = find(manifests, 'ConfigMap', 'palisade-gateway').data?.['gateway.json'] ?? '';
    const { config } = parseConfig({ path: 'gateway.json', text: gatewayJson, env: {}, readFile: (p) => (read.push(p), 'secret') });
    assert.equal(config.policy.verification?.scope, 'production');
    assert.deepEqual(read, ['/etc/palisade/secrets/openai-api-key']);
    const consumerJson = find(manifests, 'ConfigMap', 'palisade-audit-consumer').data?.['consumer.json'] ?? '';
    assert.equal(parseConsumerConfig(JSON.parse(consumerJson), '/etc/palisade').ledger.create_signing_key, false);
    assert.equal(manifests.find((m) => m.kind === 'PersistentVolumeClaim'), undefined, 'an existing claim was asked for');
  });

  test('the gateway runs three replicas behind probes on /healthz and /readyz, with an autoscaler and a disruption budget', async () => {
    const manifests = await render();
    const deployment = find(manifests, 'Deployment', 'palisade-gateway');
    const gateway = container(deployment);
    assert.deepEqual(gateway.args, ['palisade', 'serve', '--config', '/etc/palisade/gateway.json']);
    const port = gateway.ports?.find((p) => p.name === 'http');
    assert.equal(port?.containerPort, 8080);
    assert.deepEqual(gateway.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(gateway.readinessProbe?.httpGet, { path: '/readyz', port: 'http' });
    assert.equal(gateway.startupProbe?.httpGet?.path, '/healthz');

    const labels = podTemplate(deployment).metadata.labels;
    assert.ok(selects(deployment.spec?.['selector'], labels));

    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'palisade-gateway');
    assert.equal(hpa.apiVersion, 'autoscaling/v2');
    assert.deepEqual(hpa.spec?.['scaleTargetRef'], { apiVersion: 'apps/v1', kind: 'Deployment', name: 'palisade-gateway' });
    assert.equal(hpa.spec?.['minReplicas'], 3);
    // The autoscaler owns the replica count: a fixed one would fight it on every upgrade.
    assert.equal(deployment.spec?.['replicas'], undefined);

    const pdb = find(manifests, 'PodDisruptionBudget', 'palisade-gateway');
    assert.equal(pdb.apiVersion, 'policy/v1');
    assert.ok(selects(pdb.spec?.['selector'], labels), 'the disruption budget does not select the gateway pods');
    assert.ok((pdb.spec?.['minAvailable'] as number) < (hpa.spec?.['minReplicas'] as number), 'the budget would block every drain');

    const service = find(manifests, 'Service', 'palisade-gateway');
    assert.ok(selects(service.spec?.['selector'], labels));
    assert.deepEqual((service.spec?.['ports'] as { targetPort: string }[]).map((p) => p.targetPort), ['http']);
  });

  test('without autoscaling the Deployment holds the replica count itself', async () => {
    const manifests = await render('gateway.autoscaling.enabled=false');
    assert.equal(manifests.find((m) => m.kind === 'HorizontalPodAutoscaler'), undefined);
    assert.equal(find(manifests, 'Deployment', 'palisade-gateway').spec?.['replicas'], 3);
  });

  test('the gateway accepts its rendered config, and every file it names is mounted', async () => {
    const manifests = await render({
      gateway: {
        config: {
          providers: [{ name: 'openai', type: 'openai', api_key_file: '/etc/palisade/secrets/openai-api-key' }],
          models: [{ name: 'gpt-4o-mini', provider: 'openai' }],
        },
      },
    });
    const text = find(manifests, 'ConfigMap', 'palisade-gateway').data?.['gateway.json'];
    assert.ok(text);
    const read: string[] = [];
    const { config } = parseConfig({ path: 'gateway.json', text, env: {}, readFile: (p) => (read.push(p), 'sk-test') });
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.server.port, 8080);
    assert.equal(config.audit.sink, 'kafka');
    assert.equal(config.audit.kafka?.topic, 'palisade.audit');
    assert.equal(config.audit.create_commitment_key, false);

    const deployment = find(manifests, 'Deployment', 'palisade-gateway');
    const gateway = container(deployment);
    const volumes = podTemplate(deployment).spec.volumes ?? [];
    const volumeOf = (file: string) => volumes.find((v) => v.name === mountHolding(gateway, file)?.name);
    assert.deepEqual(volumeOf('/etc/palisade/gateway.json')?.configMap, { name: 'palisade-gateway' });
    assert.deepEqual(read, ['/etc/palisade/secrets/openai-api-key']);
    assert.equal(volumeOf(config.audit.commitment_key_file)?.secret?.secretName, 'palisade-gateway');
    assert.equal(volumeOf('/etc/palisade/secrets/openai-api-key')?.secret?.secretName, 'palisade-gateway');
    // Subject keys and kept content are shared by every gateway, so erasure reaches all of them.
    for (const dir of [config.audit.content.keys_dir, config.audit.content.store_dir]) {
      const claim = volumeOf(`${dir}/x`)?.persistentVolumeClaim?.claimName;
      assert.equal(claim, 'palisade-gateway-content', `${dir} is not on the shared volume`);
    }
    const pvc = find(manifests, 'PersistentVolumeClaim', 'palisade-gateway-content');
    assert.deepEqual(pvc.spec?.['accessModes'], ['ReadWriteMany']);
  });

  test('the audit consumer is one StatefulSet replica with its ledger on a volume claim, and accepts its rendered config', async () => {
    const manifests = await render();
    const sts = find(manifests, 'StatefulSet', 'palisade-audit-consumer');
    assert.equal(sts.spec?.['replicas'], 1);
    const consumer = container(sts);
    assert.deepEqual(consumer.args, ['palisade-audit', 'consume', '--config', '/etc/palisade/consumer.json']);
    assert.deepEqual(consumer.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(consumer.readinessProbe?.httpGet, { path: '/readyz', port: 'http' });

    const text = find(manifests, 'ConfigMap', 'palisade-audit-consumer').data?.['consumer.json'];
    assert.ok(text);
    const config = parseConsumerConfig(JSON.parse(text), '/etc/palisade');
    assert.deepEqual(config.kafka.brokers.length, 3);
    assert.equal(config.kafka.topic, 'palisade.audit');
    assert.equal(config.http?.port, consumer.ports?.find((p) => p.name === 'http')?.containerPort);

    const claims = sts.spec?.['volumeClaimTemplates'] as { metadata: { name: string }; spec: { accessModes: string[]; resources: { requests: { storage: string } } } }[];
    assert.deepEqual(claims.map((c) => c.metadata.name), ['ledger']);
    assert.deepEqual(claims[0]?.spec.accessModes, ['ReadWriteOnce']);
    assert.equal(mountHolding(consumer, `${config.ledger.dir}/0/checkpoint`)?.name, 'ledger');
    // Without a Secret the key is created on the ledger volume, so it survives restarts.
    assert.equal(config.ledger.create_signing_key, true);
    assert.equal(mountHolding(consumer, config.ledger.signing_key_file)?.name, 'ledger');
    assert.deepEqual(sts.spec?.['persistentVolumeClaimRetentionPolicy'], { whenDeleted: 'Retain', whenScaled: 'Retain' });

    const headless = find(manifests, 'Service', sts.spec?.['serviceName'] as string);
    assert.equal(headless.spec?.['clusterIP'], 'None');
    assert.ok(selects(headless.spec?.['selector'], podTemplate(sts).metadata.labels));
  });

  test('a ledger signing key from a Secret is mounted read-only and never created', async () => {
    const manifests = await render('auditConsumer.signingKey.existingSecret=ledger-signing');
    const sts = find(manifests, 'StatefulSet', 'palisade-audit-consumer');
    const config = parseConsumerConfig(JSON.parse(find(manifests, 'ConfigMap', 'palisade-audit-consumer').data?.['consumer.json'] ?? ''), '/etc/palisade');
    assert.equal(config.ledger.create_signing_key, false);
    const mount = mountHolding(container(sts), config.ledger.signing_key_file);
    assert.equal(mount?.readOnly, true);
    assert.equal(podTemplate(sts).spec.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName, 'ledger-signing');
  });

  test('both processes run unprivileged on a read-only root filesystem with resources set', async () => {
    const manifests = await render();
    assertHardened(find(manifests, 'Deployment', 'palisade-gateway'));
    assertHardened(find(manifests, 'StatefulSet', 'palisade-audit-consumer'));
  });

  test('a changed config rolls the pods that read it', async () => {
    const before = podTemplate(find(await render(), 'Deployment', 'palisade-gateway')).metadata.annotations?.['checksum/config'];
    const after = podTemplate(find(await render('gateway.config.log.level=debug'), 'Deployment', 'palisade-gateway')).metadata.annotations?.['checksum/config'];
    assert.ok(before && after);
    assert.notEqual(before, after);
  });
});
