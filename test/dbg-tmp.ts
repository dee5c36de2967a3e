import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { ANALYST_KEY } from './support/gateway.ts';
import { startFakes, startProviderGateway } from './providers/helpers.ts';
const f = await startFakes();
const gw = await startProviderGateway(f);
const oa = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
const an = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
for (const model of ['gpt-native', 'azure-gpt', 'compat-llama', 'claude', 'bedrock-claude', 'gemini-flash', 'vertex-flash']) {
  try {
    const r = await oa.chat.completions.create({ model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi there' }] });
    console.log('OA', model, JSON.stringify(r.choices[0]?.message.content), r.usage?.total_tokens);
    const s = await oa.chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream please' }] });
    let t = ''; let u;
    for await (const c of s) { t += c.choices[0]?.delta?.content ?? ''; if (c.usage) u = c.usage; }
    console.log('OA-S', model, JSON.stringify(t), u?.total_tokens);
    const m = await an.messages.create({ model, max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'hello' }] });
    console.log('AN', model, JSON.stringify(m.content), m.usage);
    const st = an.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'stream' }] });
    const fin = await st.finalMessage();
    console.log('AN-S', model, JSON.stringify(fin.content), fin.usage, fin.stop_reason);
  } catch (e) { console.log('ERR', model, (e as Error).message); }
}
for (const l of gw.logs) if (l.includes('"level":50')) console.log(l.slice(0, 1500));
await gw.close(); await f.close();
