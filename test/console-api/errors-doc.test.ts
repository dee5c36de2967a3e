// docs/errors.md lists every CON_ERR_ code of the console's catalogue with its HTTP status and message, and nothing else.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CONSOLE_ERRORS, ConsoleError, type ConsoleErrorCode } from '@palisade/console';
import { REPO } from '../support/gateway.js';

function documented(): Map<string, { status: number; message: string }> {
  const doc = readFileSync(join(REPO, 'docs/errors.md'), 'utf8');
  const out = new Map<string, { status: number; message: string }>();
  for (const m of doc.matchAll(/^\| `(CON_ERR_[A-Z_]+)` \| (\d{3}) \| (.+?) \|$/gm)) out.set(m[1]!, { status: Number(m[2]), message: m[3]! });
  return out;
}

describe('console error codes in docs/errors.md', () => {
  it('documents every code with its status and message', () => {
    const doc = documented();
    for (const [code, message] of Object.entries(CONSOLE_ERRORS)) {
      assert.deepEqual(doc.get(code), { status: new ConsoleError(code as ConsoleErrorCode).status, message }, code);
    }
  });

  it('documents no code the console does not have', () => {
    const extra = [...documented().keys()].filter((code) => !(code in CONSOLE_ERRORS));
    assert.deepEqual(extra, []);
  });
});
