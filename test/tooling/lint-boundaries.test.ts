// The dependency rules `make lint` enforces, tried on code that breaks them: the gateway reaching
// into the audit consumer, a classifier importing the request path, and configuration read
// outside the configuration module. Each must be reported; the same code where it belongs is not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { REPO } from '../support/gateway.js';

const eslint = new ESLint({ cwd: REPO });

async function messages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

describe('make lint boundaries', () => {
  it('refuses the gateway importing the audit consumer', async () => {
    const found = await messages('gateway/src/audit/example.ts', "import { startLedgerServer } from '@palisade/audit-consumer';\nexport const s = startLedgerServer;\n");
    assert.ok(found.some((m) => m.startsWith('no-restricted-imports')), found.join('\n'));
  });
  it('lets the gateway import the ledger package', async () => {
    const found = await messages('gateway/src/audit/example.ts', "import { openTileLog } from '@palisade/ledger';\nexport const o = openTileLog;\n");
    assert.deepEqual(found, []);
  });
  it('refuses the classifier importing the request path', async () => {
    const found = await messages('gateway/src/classify/example.ts', "import { classifySlots } from '../pipeline/classify-slots.js';\nexport const c = classifySlots;\n");
    assert.ok(found.some((m) => m.startsWith('no-restricted-imports')), found.join('\n'));
  });
  it('refuses the ledger package importing the audit consumer', async () => {
    const found = await messages('packages/ledger/src/example.ts', "import { startLedgerServer } from '@palisade/audit-consumer';\nexport const s = startLedgerServer;\n");
    assert.ok(found.some((m) => m.startsWith('no-restricted-imports')), found.join('\n'));
  });
  it('refuses process.env outside the configuration module', async () => {
    const found = await messages('gateway/src/providers/example.ts', 'export const key = process.env.OPENAI_API_KEY;\n');
    assert.ok(found.some((m) => m.startsWith('no-restricted-properties')), found.join('\n'));
  });
  it('allows process.env in the configuration module', async () => {
    const found = await messages('gateway/src/config/example.ts', 'export const level = process.env.LOG_LEVEL;\n');
    assert.deepEqual(found, []);
  });
});
