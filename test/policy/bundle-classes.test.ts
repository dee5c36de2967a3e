// Custom data classes shipped in a policy bundle's data: the policy sees them like built-in types,
// they change with the bundle on hot reload, and a bundle whose classes are invalid is refused
// while the last good bundle (and its classes) stays in force.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ANALYST_KEY, TEST_WORKERS, startTestGateway, type TestGateway } from '../support/gateway.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle } from './support.js';

const REQUEST_REGO = `package palisade.request

found := object.get(input.classification.entities, "PROJECT_CODE", {"count": 0}).count

decision := {"allow": false, "reasons": [{"code": "project_code", "message": "Project code names stay inside."}]} if found > 0
else := {"allow": true, "reasons": []}
`;

function classesData(classes: unknown[]): string {
  return JSON.stringify({ palisade: { classify: { custom_classes: classes } } });
}

const PROJECT_CODE = { name: 'PROJECT_CODE', labels: ['PII'], keywords: ['bluebird'], keyword_score: 0.9 };

async function waitFor(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('custom data classes from bundle data', () => {
  let gw: TestGateway;
  let client: OpenAI;
  let bundlePath: string;
  let withClasses: Buffer;
  let badClasses: Buffer;
  let withoutClasses: Buffer;

  /** Replaces the bundle file in one rename, as a deployment would. */
  function publish(bytes: Buffer): void {
    writeFileSync(`${bundlePath}.next`, bytes);
    renameSync(`${bundlePath}.next`, bundlePath);
  }

  async function ask(text: string): Promise<number> {
    try {
      await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: text }] });
      return 200;
    } catch (err) {
      if (err instanceof OpenAI.APIError && err.status !== undefined) return err.status;
      throw err;
    }
  }

  before(async () => {
    [withClasses, badClasses, withoutClasses] = await Promise.all([
      buildSignedFixtureBundle({ 'request.rego': REQUEST_REGO, 'response.rego': ALLOW_RESPONSE_REGO, 'data.json': classesData([PROJECT_CODE]) }),
      // A lower-case name breaks the class schema.
      buildSignedFixtureBundle({ 'request.rego': REQUEST_REGO, 'response.rego': ALLOW_RESPONSE_REGO, 'data.json': classesData([{ name: 'project', keywords: ['robin'] }]) }),
      buildSignedFixtureBundle({ 'request.rego': REQUEST_REGO, 'response.rego': ALLOW_RESPONSE_REGO }),
    ]);
    gw = await startTestGateway((config) => {
      const dir = join((config['audit'] as { ledger: { dir: string } }).ledger.dir, '..');
      bundlePath = join(dir, 'classes.tar.gz');
      writeFileSync(bundlePath, withClasses);
      Object.assign(config['policy'] as Record<string, unknown>, { bundle: bundlePath, poll_interval_ms: 50 });
    });
    client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
  });

  it('classifies with the bundle\'s classes, so its policy can act on them', async () => {
    assert.equal(await ask('Status of project bluebird?'), 403);
    assert.equal(await ask('Status of project robin?'), 200);
  });

  it('refuses a bundle whose classes are invalid and keeps the last good one in force', async () => {
    publish(badClasses);
    await waitFor('the refusal', () => gw.logs.some((l) => l.includes('policy bundle refused') && l.includes('custom_classes')));
    assert.equal(await ask('Status of project bluebird?'), 403);
    assert.equal(await ask('Status of project robin?'), 200);
  });

  it('drops the classes when a bundle without them is activated', async () => {
    publish(withoutClasses);
    // Each process logs the first bundle and then this one (with workers, every worker does).
    await waitFor('the new bundle', () => gw.logs.filter((l) => l.includes('policy bundle activated')).length >= 2 * TEST_WORKERS);
    assert.equal(await ask('Status of project bluebird?'), 200);
  });
});
