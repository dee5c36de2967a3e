// The audit console in the embedded gateway: who may see what, finding the gateway's real decisions, proofs a browser can check, and every action in the ledger.
// Not with workers: the gateway serves its embedded audit console only as one process (docs/workers.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromBase64Strict, leafHash, openCheckpoint, parseVerifier, verifyInclusion, type AuditRecordV1 } from '@palisade/audit-core';
import { ANALYST_KEY, readGatewayRecords } from '../support/gateway.js';
import type { TestGateway } from '../support/gateway.js';
import { AUDITOR_KEY, READER_KEY, call, chat, eventually, signIn, startConsoleGateway, type ConsoleSession } from './support.js';

interface Summary {
  decision_id: string;
  sub: string;
  outcome: string;
  reasons: string[];
  data_classes: string[];
  log: string;
  index: number;
}

describe('audit console API in the embedded gateway', () => {
  let gw: TestGateway;
  let auditor: ConsoleSession;
  let denied: string;
  let allowed: string;

  before(async () => {
    gw = await startConsoleGateway();
    denied = (await chat(gw.url, ANALYST_KEY, 'My SSN is 536-22-8726')).decisionId;
    allowed = (await chat(gw.url, ANALYST_KEY, 'Hello there')).decisionId;
    auditor = await signIn(gw.url, AUDITOR_KEY);
  });
  after(() => gw?.close());

  it('answers 401 CON_ERR_NO_SESSION without a session, saying which sign-in ways exist', async () => {
    const answer = await call(gw.url, '/console/api/session');
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.body, { error: { code: 'CON_ERR_NO_SESSION', message: (answer.body as { error: { message: string } }).error.message }, modes: { api_key: true, oidc: false } });
  });

  it('refuses to search without a session', async () => {
    const answer = await call(gw.url, '/console/api/decisions');
    assert.equal(answer.status, 401);
    assert.equal((answer.body as { error: { code: string } }).error.code, 'CON_ERR_NO_SESSION');
  });

  it('refuses a key nobody has with 401 CON_ERR_SIGN_IN_INVALID', async () => {
    const answer = await call(gw.url, '/console/api/session', { body: { api_key: 'sk-test-nobody-0123456789' } });
    assert.equal(answer.status, 401);
    assert.equal((answer.body as { error: { code: string } }).error.code, 'CON_ERR_SIGN_IN_INVALID');
  });

  it('refuses a valid key without the auditor role with 403 CON_ERR_NOT_AUDITOR and no cookie', async () => {
    const answer = await call(gw.url, '/console/api/session', { body: { api_key: ANALYST_KEY } });
    assert.equal(answer.status, 403);
    assert.equal((answer.body as { error: { code: string } }).error.code, 'CON_ERR_NOT_AUDITOR');
    assert.equal(answer.headers.get('set-cookie'), null);
  });

  it('signs an auditor in with an HttpOnly, SameSite=Strict cookie scoped to /console', () => {
    assert.match(auditor.setCookie, /^palisade_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    assert.equal(auditor.sub, 'auditor@example.com');
  });

  it('gives the session back with its roles and CSRF token', async () => {
    const answer = await call(gw.url, '/console/api/session', { session: auditor });
    assert.equal(answer.status, 200);
    const body = answer.body as { sub: string; roles: string[]; csrf: string; expires_at: string };
    assert.deepEqual([body.sub, body.roles, body.csrf], ['auditor@example.com', ['auditor'], auditor.csrf]);
    assert.ok(Date.parse(body.expires_at) > Date.now(), body.expires_at);
  });

  it('sends the security headers and no-store on API answers', async () => {
    const answer = await call(gw.url, '/console/api/session', { session: auditor });
    assert.match(answer.headers.get('content-security-policy') ?? '', /default-src 'self'; script-src 'self'; style-src 'self'.*frame-ancestors 'none'/);
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(answer.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
  });

  it('serves a page under /console/ with the same security headers', async () => {
    const answer = await call(gw.url, '/console/decisions/whatever');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(answer.headers.get('content-security-policy') ?? '', /object-src 'none'/);
  });

  it("finds the shipped policy's SSN denial by subject and outcome, with its reason and data class", async () => {
    const items = await eventually(async () => {
      const answer = await call(gw.url, '/console/api/decisions?sub=analyst%40example.com&outcome=denied', { session: auditor });
      const body = answer.body as { items: Summary[] };
      return body.items.some((i) => i.decision_id === denied) ? body.items : undefined;
    }, 'the denial in the index');
    const hit = items.find((i) => i.decision_id === denied)!;
    assert.equal(hit.outcome, 'denied');
    assert.ok(hit.reasons.includes('pii_requires_pii_reader'), JSON.stringify(hit.reasons));
    assert.ok(hit.data_classes.includes('US_SSN'), JSON.stringify(hit.data_classes));
  });

  it('leaves the allowed decision out of a search for denials', async () => {
    const answer = await call(gw.url, '/console/api/decisions?outcome=denied', { session: auditor });
    assert.equal((answer.body as { items: Summary[] }).items.some((i) => i.decision_id === allowed), false);
  });

  it('filters by reason code', async () => {
    const answer = await call(gw.url, '/console/api/decisions?reason=pii_requires_pii_reader', { session: auditor });
    assert.deepEqual((answer.body as { items: Summary[] }).items.map((i) => i.decision_id), [denied]);
  });

  it('filters by reason code and subject together', async () => {
    const answer = await call(gw.url, '/console/api/decisions?reason=pii_requires_pii_reader&sub=analyst%40example.com&data_class=US_SSN', { session: auditor });
    assert.deepEqual((answer.body as { items: Summary[] }).items.map((i) => i.decision_id), [denied]);
  });

  it('pages with a cursor', async () => {
    await eventually(async () => {
      const a = await call(gw.url, `/console/api/decisions?decision_id=${allowed}`, { session: auditor });
      return (a.body as { items: Summary[] }).items.length === 1 ? true : undefined;
    }, 'the allowed decision in the index');
    const first = await call(gw.url, '/console/api/decisions?sub=analyst%40example.com&limit=1', { session: auditor });
    const page1 = first.body as { items: Summary[]; next_cursor: string };
    const second = await call(gw.url, `/console/api/decisions?sub=analyst%40example.com&limit=1&cursor=${page1.next_cursor}`, { session: auditor });
    const page2 = second.body as { items: Summary[] };
    assert.deepEqual(new Set([page1.items[0]?.decision_id, page2.items[0]?.decision_id]), new Set([denied, allowed]));
  });

  it('refuses an unknown filter with 400 CON_ERR_BAD_REQUEST', async () => {
    const answer = await call(gw.url, '/console/api/decisions?colour=red', { session: auditor });
    assert.equal(answer.status, 400);
    assert.equal((answer.body as { error: { code: string } }).error.code, 'CON_ERR_BAD_REQUEST');
  });

  it('opens a decision with the record as the ledger holds it', async () => {
    const answer = await call(gw.url, `/console/api/decisions/${denied}`, { session: auditor });
    assert.equal(answer.status, 200);
    const body = answer.body as { decision: AuditRecordV1; decision_entry: { log: string; index: number } };
    assert.equal(body.decision.decision_id, denied);
    assert.equal(body.decision.policy?.allow, false);
    assert.equal(body.decision_entry.log, 'default');
  });

  it('shows no content to an auditor without content-reader', async () => {
    const answer = await call(gw.url, `/console/api/decisions/${denied}`, { session: auditor });
    assert.equal((answer.body as { content: unknown }).content, 'forbidden');
  });

  it('tells a content reader when the policy kept no content', async () => {
    const reader = await signIn(gw.url, READER_KEY);
    const answer = await call(gw.url, `/console/api/decisions/${denied}`, { session: reader });
    assert.equal((answer.body as { content: unknown }).content, 'not_stored');
  });

  it('answers 404 for a decision id it does not know', async () => {
    const answer = await call(gw.url, '/console/api/decisions/00000000-0000-4000-8000-000000000000', { session: auditor });
    assert.equal(answer.status, 404);
  });

  it('gives an inclusion proof that verifies against the signed checkpoint and the listed key', async () => {
    const opened = (await call(gw.url, `/console/api/decisions/${denied}`, { session: auditor })).body as { decision_entry: { log: string; index: number } };
    const proof = (await call(gw.url, `/console/api/proof/${opened.decision_entry.log}/${opened.decision_entry.index}`, { session: auditor })).body as {
      entry: string;
      index: number;
      tree_size: number;
      proof: string[];
      checkpoint: string;
    };
    const logs = (await call(gw.url, '/console/api/logs', { session: auditor })).body as { log: string; vkey: string }[];
    const vkey = logs.find((l) => l.log === opened.decision_entry.log)!.vkey;
    assert.equal(vkey, readFileSync(join(gw.ledgerDir, 'default/log.vkey'), 'utf8').trim());
    const cp = openCheckpoint(proof.checkpoint, [parseVerifier(vkey)]);
    assert.equal(cp.size, proof.tree_size);
    const ok = verifyInclusion(proof.index, proof.tree_size, leafHash(fromBase64Strict(proof.entry)!), proof.proof.map((h) => fromBase64Strict(h)!), cp.rootHash);
    assert.equal(ok, true);
  });

  it('gives a consistency proof from an older size to the current checkpoint', async () => {
    const answer = await call(gw.url, '/console/api/consistency/default?from=1', { session: auditor });
    assert.equal(answer.status, 200);
    const body = answer.body as { old_size: number; new_size: number; proof: string[]; checkpoint: string };
    assert.equal(body.old_size, 1);
    assert.match(body.checkpoint, /^[^\n]+\n\d+\n/);
  });

  it('lists the checkpoints it has seen for a log', async () => {
    const answer = await call(gw.url, '/console/api/checkpoints/default', { session: auditor });
    const list = answer.body as { size: number; root: string; time: string }[];
    assert.ok(list.some((c) => c.size > 0 && c.root.length === 44), JSON.stringify(list));
  });

  it('refuses an export without the CSRF header with 403 CON_ERR_CSRF', async () => {
    const answer = await call(gw.url, '/console/api/export', { session: auditor, body: { decision_ids: [denied] }, csrf: null });
    assert.equal(answer.status, 403);
    assert.equal((answer.body as { error: { code: string } }).error.code, 'CON_ERR_CSRF');
  });

  it('refuses an export with a wrong CSRF token', async () => {
    const answer = await call(gw.url, '/console/api/export', { session: auditor, body: { decision_ids: [denied] }, csrf: 'not-the-token' });
    assert.equal(answer.status, 403);
  });

  it('sums decisions in the overview', async () => {
    const answer = await call(gw.url, '/console/api/overview', { session: auditor });
    const body = answer.body as { denials_by_reason: { reason: string; count: number }[]; top_subjects: { sub: string; count: number }[] };
    assert.ok(body.denials_by_reason.some((r) => r.reason === 'pii_requires_pii_reader' && r.count >= 1), JSON.stringify(body.denials_by_reason));
    assert.ok(body.top_subjects.some((s) => s.sub === 'analyst@example.com' && s.count >= 2), JSON.stringify(body.top_subjects));
  });

  it('records every console action in the ledger, naming the person', async () => {
    const session = await signIn(gw.url, AUDITOR_KEY);
    await call(gw.url, '/console/api/decisions?outcome=denied', { session });
    await call(gw.url, `/console/api/decisions/${denied}`, { session });
    await call(gw.url, '/console/api/session', { body: { api_key: ANALYST_KEY } });
    assert.equal((await call(gw.url, '/console/api/session/logout', { session, method: 'POST' })).status, 204);
    const actions = await eventually(async () => {
      const records = readGatewayRecords(gw).filter((r) => r.phase === 'console');
      return records.some((r) => r.console?.action === 'sign_out') ? records : undefined;
    }, 'the sign-out record');
    const seen = new Set(actions.map((r) => `${r.console?.action}:${r.principal.sub}`));
    for (const expected of ['sign_in:auditor@example.com', 'search:auditor@example.com', 'open_record:auditor@example.com', 'sign_in_refused:analyst@example.com', 'sign_out:auditor@example.com']) {
      assert.ok(seen.has(expected), `${expected} in ${[...seen].join(', ')}`);
    }
  });

  it('ends the session at sign-out', async () => {
    const session = await signIn(gw.url, AUDITOR_KEY);
    await call(gw.url, '/console/api/session/logout', { session, method: 'POST' });
    assert.equal((await call(gw.url, '/console/api/decisions', { session })).status, 401);
  });
});
