// Checks docker-compose.yml against the Compose specification's JSON Schema, the one Docker Compose validates with, so no container engine is needed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import YAML from 'yaml';

const REPO = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

// Compose reads YAML 1.1 merge keys (`<<: *palisade`); the schema applies to the merged document.
function parseCompose(text: string): unknown {
  return YAML.parse(text, { merge: true, prettyErrors: true });
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

describe('docker-compose.yml', () => {
  let validate: ValidateFunction;

  before(async () => {
    const { stdout } = await run(join(REPO, 'scripts/ensure-compose-schema.sh'), { cwd: REPO, timeout: 240_000 });
    const schema = JSON.parse(await readFile(stdout.trim(), 'utf8')) as object;
    // Not strict: the published schema carries annotations ajv's strict mode does not know.
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    // The only custom format the schema uses; Compose accepts Go durations such as "10s" or "1m30s".
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    validate = ajv.compile(schema);
  });

  test('follows the Compose specification', async () => {
    const compose = parseCompose(await readFile(join(REPO, 'docker-compose.yml'), 'utf8'));
    assert.ok(validate(compose), describeErrors(validate.errors));
  });

  test('every service the README promises is there, with the commands the image runs', async () => {
    const compose = parseCompose(await readFile(join(REPO, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { command?: string[] }>;
    };
    assert.deepEqual(Object.keys(compose.services).sort(), ['audit-consumer', 'gateway', 'kafka', 'kafka-topics']);
    assert.deepEqual(compose.services['gateway']?.command, ['palisade', 'serve', '--config', '/config/gateway.json']);
    assert.deepEqual(compose.services['audit-consumer']?.command, ['palisade-audit', 'consume', '--config', '/config/consumer.json']);
  });

  test('the check rejects what Docker Compose would reject', async () => {
    const compose = parseCompose(await readFile(join(REPO, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, Record<string, unknown>>;
    };
    const misspelt = structuredClone(compose);
    misspelt.services['gateway'] = { ...misspelt.services['gateway'], restart_policy: 'always' };
    assert.equal(validate(misspelt), false);
    assert.match(describeErrors(validate.errors), /\/services\/gateway .*restart_policy/);

    const badCondition = structuredClone(compose);
    badCondition.services['audit-consumer'] = {
      ...badCondition.services['audit-consumer'],
      depends_on: { 'kafka-topics': { condition: 'service_finished' } },
    };
    assert.equal(validate(badCondition), false);
  });
});
