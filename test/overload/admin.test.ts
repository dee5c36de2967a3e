// /metrics and /readyz can require a bearer token, or move to their own listener; /healthz stays
// open for load balancers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { errorOf, recordOf, send } from '../gateway/support/edge.js';

const TOKEN = 'admin-token-0123456789abcdef';

describe('admin endpoints behind a token', () => {
  let gw: TestGateway;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-admin-'));
    writeFileSync(join(dir, 'admin.token'), `${TOKEN}\n`);
    gw = await startTestGateway((config) => {
      config['server'] = { ...(config['server'] as Record<string, unknown>), admin_token_file: join(dir, 'admin.token') };
    });
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const path of ['/metrics', '/readyz']) {
    it(`${path} without the token gets 401 with a challenge and a record`, async () => {
      const missing = await send(gw, 'GET', path, []);
      assert.equal(missing.status, 401, missing.text);
      assert.match(String(missing.headers['www-authenticate']), /^Bearer realm="palisade-admin"/);
      assert.doesNotMatch(missing.text, /palisade_http_requests/);
      const record = await recordOf(gw, errorOf(missing)['decision_id']);
      assert.equal(record?.error?.code, 'GW_ERR_AUTH_MISSING');
      const wrong = await send(gw, 'GET', path, [['authorization', 'Bearer not-the-admin-token']]);
      assert.equal(wrong.status, 401);
      assert.equal(errorOf(wrong)['palisade_code'], 'GW_ERR_AUTH_INVALID');
    });
  }

  it('/metrics and /readyz answer with the token; /healthz needs none', async () => {
    const metrics = await send(gw, 'GET', '/metrics', [['authorization', `Bearer ${TOKEN}`]]);
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^palisade_http_requests_queued 0$/m);
    const ready = await send(gw, 'GET', '/readyz', [['authorization', `Bearer ${TOKEN}`]]);
    assert.equal(ready.status, 200, ready.text);
    assert.equal(ready.json['ready'], true);
    assert.equal((await send(gw, 'GET', '/healthz', [])).status, 200);
  });
});

describe('admin endpoints on their own port', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway((config) => {
      config['server'] = { ...(config['server'] as Record<string, unknown>), admin_port: 0 };
    });
  });
  after(() => gw?.close());

  it('serves /metrics and /readyz on the admin port only', async () => {
    const adminUrl = gw.gateway.adminUrl;
    assert.ok(adminUrl !== undefined && adminUrl !== gw.url);
    const admin = { ...gw, url: adminUrl };
    const metrics = await send(admin, 'GET', '/metrics', []);
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /palisade_http_requests_active/);
    assert.equal((await send(admin, 'GET', '/readyz', [])).status, 200);
    assert.equal((await send(admin, 'GET', '/healthz', [])).status, 200);
    assert.equal((await send(gw, 'GET', '/metrics', [])).status, 404);
    assert.equal((await send(gw, 'GET', '/readyz', [])).status, 404);
    assert.equal((await send(gw, 'GET', '/healthz', [])).status, 200);
  });
});
