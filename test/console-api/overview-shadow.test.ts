// The overview's bundle history through a real gateway deciding with a shadow bundle beside the
// enforced one, and the console's part in the gateway's /readyz.
// Not with workers: the gateway serves its embedded audit console only as one process (docs/workers.md).
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ANALYST_KEY } from '../support/gateway.js';
import { SHADOW_REVISION, startShadowGateway, type ShadowGateway } from './shadow-support.js';
import { AUDITOR_KEY, call, chat, eventually, signIn, type ConsoleSession } from './support.js';

interface BundleRow {
  revision: string;
  first_seen: string;
  last_seen: string;
  decisions: number;
}

interface ShadowRow {
  bundle: string;
  revision: string;
  first_seen: string;
  last_seen: string;
  evaluated: number;
  differed: number;
  enforced_allow_shadow_deny: number;
  enforced_deny_shadow_allow: number;
}

interface OverviewBody {
  bundles: BundleRow[];
  shadow_bundles: ShadowRow[];
}

interface Readiness {
  ready: boolean;
  components: Record<string, { ready: boolean; detail?: string }>;
}

describe('the overview reports bundle revisions and shadow results', () => {
  let sg: ShadowGateway;
  let auditor: ConsoleSession;
  let overview: OverviewBody;
  let statuses: number[];

  before(async () => {
    sg = await startShadowGateway();
    // Enforced allows, candidate denies (no label) twice; enforced denies, candidate allows (PII label) once.
    statuses = [
      (await chat(sg.gw.url, ANALYST_KEY, 'Hello there')).status,
      (await chat(sg.gw.url, ANALYST_KEY, 'What is the capital of France?')).status,
      (await chat(sg.gw.url, ANALYST_KEY, 'My SSN is 536-22-8726')).status,
    ];
    auditor = await signIn(sg.gw.url, AUDITOR_KEY);
    overview = await eventually(async () => {
      const body = (await call(sg.gw.url, '/console/api/overview', { session: auditor })).body as OverviewBody;
      return body.shadow_bundles.some((s) => s.evaluated >= 3) ? body : undefined;
    }, 'the three shadowed decisions in the overview');
  });
  after(() => sg?.close());

  it('enforces only the committed bundle: the shadow bundle never changes an answer', () => {
    assert.deepEqual(statuses, [200, 200, 403]);
  });

  it('lists the enforced revision with the number of decisions it made', () => {
    const enforced = overview.bundles.find((b) => b.revision === sg.enforcedRevision);
    assert.equal(enforced?.decisions, 3, JSON.stringify(overview.bundles));
  });

  it('says when the enforced revision became active and when it last decided', async () => {
    const enforced = overview.bundles.find((b) => b.revision === sg.enforcedRevision)!;
    const times = async (order: string): Promise<string | undefined> =>
      ((await call(sg.gw.url, `/console/api/decisions?bundle=${encodeURIComponent(sg.enforcedRevision)}&order=${order}&limit=1`, { session: auditor })).body as { items: { time: string }[] }).items[0]?.time;
    assert.deepEqual({ first: enforced.first_seen, last: enforced.last_seen }, { first: await times('asc'), last: await times('desc') });
  });

  it('never lists the shadow revision among the bundles that decided', () => {
    assert.equal(overview.bundles.some((b) => b.revision === SHADOW_REVISION), false, JSON.stringify(overview.bundles));
  });

  it('lists the shadow revision with the decisions it evaluated', () => {
    assert.deepEqual(
      overview.shadow_bundles.map((s) => ({ revision: s.revision, evaluated: s.evaluated })),
      [{ revision: SHADOW_REVISION, evaluated: 3 }],
    );
  });

  it('counts the decisions where the shadow bundle differed, by direction', () => {
    const shadow = overview.shadow_bundles[0]!;
    assert.deepEqual(
      { differed: shadow.differed, allowDeny: shadow.enforced_allow_shadow_deny, denyAllow: shadow.enforced_deny_shadow_allow },
      { differed: 3, allowDeny: 2, denyAllow: 1 },
    );
  });

  it('shows the console as a ready component of /readyz while its index follows the ledger', async () => {
    const ready = (await (await fetch(`${sg.gw.url}/readyz`)).json()) as Readiness;
    assert.deepEqual(ready.components['console'], { ready: true, detail: 'the index follows the ledger' });
  });

  it('keeps the gateway ready when the console cannot index a log, naming the problem', async () => {
    const damaged = join(sg.gw.ledgerDir, 'zz-damaged');
    await mkdir(damaged, { recursive: true });
    await writeFile(join(damaged, 'checkpoint'), 'not a checkpoint\n');
    const ready = await eventually(async () => {
      const res = await fetch(`${sg.gw.url}/readyz`);
      const body = (await res.json()) as Readiness;
      return /zz-damaged/.test(body.components['console']?.detail ?? '') ? { status: res.status, body } : undefined;
    }, `the console to report the damaged log (ledger folder: ${(await readdir(sg.gw.ledgerDir)).join(', ')})`);
    assert.deepEqual({ status: ready.status, ready: ready.body.ready, console: ready.body.components['console']?.ready }, { status: 200, ready: true, console: true });
  });
});
