// A loopback server speaking Google's Gemini API as documented: models/{model}:generateContent,
// :streamGenerateContent?alt=sse and :batchEmbedContents, keyed by x-goog-api-key, or (Vertex
// mode) the same methods under projects/{p}/locations/{l}/publishers/google with a bearer token.
import { json, sse, sseFrame, startFakeUpstream, type Answer, type FakeUpstream, type ReceivedRequest } from './fake-upstream.js';

export const GEMINI_FAKE_KEY = 'gemini-fake-provider-key';

export interface FakeGemini extends FakeUpstream {
  /** Base URL as a provider config wants it. */
  baseUrl: string;
}

export interface FakeGeminiOptions {
  /** Vertex mode: the bearer token expected, and the project and region in the path. */
  vertex?: { token: string; project: string; region: string };
}

type Part = { text?: string; functionCall?: { name: string; args: unknown }; functionResponse?: { name: string; response: unknown } };

function generate(req: ReceivedRequest, model: string, stream: boolean): Answer {
  const body = req.body as { contents?: { role: string; parts: Part[] }[]; systemInstruction?: { parts: Part[] }; tools?: { functionDeclarations: { name: string }[] }[] };
  if (!Array.isArray(body.contents) || body.contents.length === 0) return json(400, { error: { code: 400, message: '* GenerateContentRequest.contents: contents is not specified', status: 'INVALID_ARGUMENT' } });
  const last = body.contents.at(-1);
  const response = last?.parts.find((p) => p.functionResponse)?.functionResponse;
  const tool = body.tools?.[0]?.functionDeclarations[0]?.name;
  const system = (body.systemInstruction?.parts ?? []).map((p) => p.text ?? '').join(' ');
  const said = (last?.parts ?? []).map((p) => p.text ?? '').join('');
  const text = response ? `The tool said: ${JSON.stringify(response.response)}` : `Hello from Gemini, model ${model}${system ? `, system: ${system}` : ''}. You said: ${said}`;
  const useTool = !response && tool !== undefined;
  const usageMetadata = { promptTokenCount: 8, candidatesTokenCount: useTool ? 4 : text.split(' ').length, totalTokenCount: 8 + (useTool ? 4 : text.split(' ').length) };
  if (!stream) {
    const parts = useTool ? [{ functionCall: { name: tool, args: { city: 'Paris' } } }] : [{ text }];
    return json(200, { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata, modelVersion: model, responseId: 'gemini-resp-1' });
  }
  const frames: string[] = [];
  if (useTool) frames.push(sseFrame({ candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: tool, args: { city: 'Paris' } } }] }, index: 0 }], modelVersion: model }));
  else {
    const words = text.split(/(?<= )/);
    for (const word of words) frames.push(sseFrame({ candidates: [{ content: { role: 'model', parts: [{ text: word }] }, index: 0 }], usageMetadata: { promptTokenCount: 8 }, modelVersion: model }));
  }
  frames.push(sseFrame({ candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }], usageMetadata, modelVersion: model }));
  return sse(frames);
}

function embed(req: ReceivedRequest): Answer {
  const requests = (req.body['requests'] as { content: { parts: { text: string }[] }; outputDimensionality?: number }[]) ?? [];
  return json(200, { embeddings: requests.map((r) => ({ values: Array.from({ length: r.outputDimensionality ?? 6 }, (_, i) => ((r.content.parts[0]?.text.length ?? 0) + i) / 100) })) });
}

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const v = options.vertex;
  const prefix = v ? `/v1/projects/${v.project}/locations/${v.region}/publishers/google` : '/v1beta';
  const fake = await startFakeUpstream((req) => {
    const url = new URL(req.path, 'http://fake');
    const m = new RegExp(`^${prefix}/models/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$`).exec(url.pathname);
    if (req.method !== 'POST' || !m) return json(404, { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } });
    const authorised = v ? req.headers.authorization === `Bearer ${v.token}` : req.headers['x-goog-api-key'] === GEMINI_FAKE_KEY;
    if (!authorised) return json(v ? 401 : 400, { error: { code: v ? 401 : 400, message: 'API key not valid. Please pass a valid API key.', status: v ? 'UNAUTHENTICATED' : 'INVALID_ARGUMENT' } });
    const method = m[2];
    if (method === 'batchEmbedContents') return embed(req);
    if (method === 'streamGenerateContent' && url.searchParams.get('alt') !== 'sse') return json(400, { error: { code: 400, message: 'this fake streams SSE only', status: 'INVALID_ARGUMENT' } });
    return generate(req, decodeURIComponent(m[1] ?? ''), method === 'streamGenerateContent');
  });
  return { ...fake, baseUrl: `${fake.url}${prefix}` };
}
