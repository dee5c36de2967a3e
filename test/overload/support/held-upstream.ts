// A loopback OpenAI-compatible provider that answers each request only once the test lets it (or
// after a fixed delay), so a test knows exactly how many requests the gateway is holding.
import { json, startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.js';

export interface HeldUpstream extends FakeUpstream {
  /** Answers every request held so far, and those that arrive later, at once. */
  releaseAll(): void;
  /** Holds requests again until the next releaseAll. */
  hold(): void;
  /** Resolves once this many requests have reached the upstream in all. */
  reached(n: number): Promise<void>;
}

const answer = json(200, {
  id: 'chatcmpl-held',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'held-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Answered.' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
});

/** `delayMs`: each answer also waits this long after it is released, as a provider takes time. */
export async function startHeldUpstream(options: { held: boolean; delayMs?: number }): Promise<HeldUpstream> {
  let open: Promise<void> = Promise.resolve();
  let release: () => void = () => {};
  const hold = (): void => {
    open = new Promise<void>((r) => (release = r));
  };
  if (options.held) hold();
  const waiters: { n: number; resolve: () => void }[] = [];
  let upstream: FakeUpstream | undefined;
  const notify = (): void => {
    for (const w of [...waiters]) {
      if ((upstream?.received.length ?? 0) >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  upstream = await startFakeUpstream(async () => {
    notify();
    await open;
    if (options.delayMs !== undefined) await new Promise((r) => setTimeout(r, options.delayMs));
    return answer;
  });
  const u = upstream;
  return Object.assign(u, {
    releaseAll: () => release(),
    hold,
    reached: (n: number) =>
      new Promise<void>((resolve) => {
        waiters.push({ n, resolve });
        notify();
      }),
  });
}

/**
 * Gateway config: one model `held` on the upstream, and the given server settings. Shedding on
 * event-loop delay is off unless asked for: on a busy test machine it would refuse requests that
 * a test means to be admitted.
 */
export function heldModel(upstream: FakeUpstream, server: Record<string, unknown>): (config: Record<string, unknown>) => void {
  return (config) => {
    config['server'] = { ...(config['server'] as Record<string, unknown>), max_event_loop_delay_ms: 0, ...server };
    config['providers'] = [{ name: 'held', type: 'openai-compatible', base_url: `${upstream.url}/v1`, stream_usage: false, timeout_ms: 30_000 }];
    config['models'] = [{ name: 'held', provider: 'held' }];
  };
}

/**
 * As heldModel, plus a model `echo` that answers at once: probes sent while the held request is in
 * flight are the only other work, so the test knows exactly what the gateway is holding.
 */
export function heldAndEchoModels(upstream: FakeUpstream, server: Record<string, unknown>): (config: Record<string, unknown>) => void {
  return (config) => {
    heldModel(upstream, server)(config);
    (config['providers'] as unknown[]).push({ name: 'echo', type: 'echo' });
    (config['models'] as unknown[]).push({ name: 'echo', provider: 'echo' });
  };
}
