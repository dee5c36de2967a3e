// The quick start's demo limit (config/dev.json): sk-demo-analyst gets 60 requests a minute and
// sees the headers and the 429; sk-demo-privileged has no limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { REPO, type TestGateway } from '../support/gateway.js';
import { ManualClock, openai, startClockedGateway } from './support.js';

describe('quick start demo limit', () => {
  let gw: TestGateway;
  // Frozen: sixty requests on a slow machine may take longer than the second that frees a slot.
  const clock = new ManualClock();

  before(async () => {
    const dev = JSON.parse(readFileSync(join(REPO, 'config/dev.json'), 'utf8')) as Record<string, unknown>;
    gw = await startClockedGateway((c) => {
      c['identity'] = dev['identity'];
      c['limits'] = dev['limits'];
    }, clock);
  });
  after(async () => {
    await gw?.close();
  });

  const ask = (key: string) => openai(gw, key).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'Hello' }] }).withResponse();

  it('limits sk-demo-analyst to 60 requests a minute', async () => {
    for (let i = 1; i <= 60; i++) {
      const { response } = await ask('sk-demo-analyst');
      assert.equal(response.headers.get('x-ratelimit-limit'), '60');
      assert.equal(response.headers.get('x-ratelimit-remaining'), String(60 - i));
    }
    await assert.rejects(ask('sk-demo-analyst'), (e: unknown) => e instanceof OpenAI.RateLimitError && e.headers.get('retry-after') === '1');
  });

  it('does not limit sk-demo-privileged', async () => {
    const { response } = await ask('sk-demo-privileged');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-ratelimit-limit'), null);
  });
});
