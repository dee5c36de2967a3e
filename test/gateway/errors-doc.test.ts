// docs/errors.md is the operator's catalogue; it must list exactly the codes the gateway uses,
// each with the status callers receive.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERRORS, GatewayError, type ErrorCode } from '@palisade/gateway';
import { REPO } from '../support/gateway.js';

const doc = readFileSync(join(REPO, 'docs/errors.md'), 'utf8');

describe('error catalogue', () => {
  it('documents every code with its status, and nothing else', () => {
    const documented = new Map<string, number>();
    for (const m of doc.matchAll(/^\| `(GW_ERR_[A-Z_]+)` \| (\d{3}) \|/gm)) documented.set(m[1] as string, Number(m[2]));
    const codes = Object.keys(ERRORS) as ErrorCode[];
    for (const code of codes) assert.equal(documented.get(code), ERRORS[code].status, `${code} in docs/errors.md with status ${ERRORS[code].status}`);
    for (const code of documented.keys()) assert.ok(code in ERRORS, `docs/errors.md lists ${code}, which the gateway does not have`);
  });

  it('every error carries its code, status and cause', () => {
    const cause = new Error('root');
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      const err = new GatewayError(code, { cause });
      assert.equal(err.code, code);
      assert.equal(err.status, ERRORS[code].status);
      assert.equal(err.cause, cause);
    }
  });
});
