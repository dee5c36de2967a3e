// The shipped example policy as a quick-start user meets it on the echo model: contact details
// reach the model as placeholders for callers without pii-reader, and as written for those with it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { ANALYST_KEY, PRIVILEGED_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';

describe('the shipped policy redacts contact details', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => {
    await gw?.close();
  });

  async function echo(key: string, content: string): Promise<string | null | undefined> {
    const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content }] });
    return res.choices[0]?.message.content;
  }

  it('replaces an address and a phone number with placeholders for an analyst', async () => {
    assert.equal(await echo(ANALYST_KEY, 'Write to jane.doe@example.com or call +1 212 555 0142'), 'user: Write to <EMAIL_ADDRESS_1> or call <PHONE_NUMBER_1>');
  });

  it('forwards them as written for a pii-reader', async () => {
    assert.equal(await echo(PRIVILEGED_KEY, 'Write to jane.doe@example.com'), 'user: Write to jane.doe@example.com');
  });
});
