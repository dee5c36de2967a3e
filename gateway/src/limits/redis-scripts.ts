// Lua scripts that make each limit operation one atomic Redis round trip, and the EVALSHA call
// that runs them (loading a script only when Redis does not know it yet).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function script(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * Checks every rate limit (GCRA, as in gcra.ts) and budget of one request and records them only
 * when all admit. Time is Redis's own clock, so gateways with skewed clocks share one timeline.
 * KEYS: rate keys, then budget keys.
 * ARGV: rate count, then limit, window_ms, cost per rate, then limit_micros, reserve_micros,
 * expire_at_ms per budget.
 * Returns: 1 or 0 (all admitted), then allowed, remaining, reset_ms, retry_ms (-1: never fits)
 * per rate, then allowed, spent_micros per budget.
 */
export const CHECK_SCRIPT = script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local eps = 1e-6
local nr = tonumber(ARGV[1])
local nb = #KEYS - nr
local ok = true
local out = {}
local tats = {}
for i = 1, nr do
  local a = 1 + (i - 1) * 3
  local limit, w, cost = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local interval = w / limit
  local tat = tonumber(redis.call('GET', KEYS[i])) or now
  if tat < now then tat = now end
  local nxt = tat + cost * interval
  if nxt - now <= w + eps then
    tats[i] = nxt
    out[#out + 1] = 1
    out[#out + 1] = math.max(0, math.floor((w - (nxt - now)) / interval + eps))
    out[#out + 1] = math.ceil(nxt - now)
    out[#out + 1] = 0
  else
    ok = false
    out[#out + 1] = 0
    out[#out + 1] = math.max(0, math.floor((w - (tat - now)) / interval + eps))
    out[#out + 1] = math.ceil(tat - now)
    if cost * interval > w + eps then out[#out + 1] = -1 else out[#out + 1] = math.ceil(nxt - w - now) end
  end
end
local base = 1 + nr * 3
local spent = {}
for j = 1, nb do
  local a = base + (j - 1) * 3
  local limit, reserve = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local s = tonumber(redis.call('GET', KEYS[nr + j])) or 0
  spent[j] = s
  if not (s < limit and s + reserve <= limit) then ok = false end
end
if ok then
  for i = 1, nr do
    redis.call('SET', KEYS[i], string.format('%.3f', tats[i]), 'PX', math.max(1, math.ceil(tats[i] - now)))
  end
  for j = 1, nb do
    local a = base + (j - 1) * 3
    local reserve = tonumber(ARGV[a + 2])
    spent[j] = redis.call('INCRBY', KEYS[nr + j], reserve)
    redis.call('PEXPIREAT', KEYS[nr + j], ARGV[a + 3])
  end
end
for j = 1, nb do
  local a = base + (j - 1) * 3
  local limit, reserve = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  if ok or (spent[j] < limit and spent[j] + reserve <= limit) then out[#out + 1] = 1 else out[#out + 1] = 0 end
  out[#out + 1] = spent[j]
end
table.insert(out, 1, ok and 1 or 0)
return out
`);

/**
 * Corrects counters after the answer: adds or gives back units to rate counters and micro-USD to
 * budgets (never below zero).
 * KEYS: rate keys, then budget keys.
 * ARGV: rate count, then limit, window_ms, delta per rate, then delta_micros, expire_at_ms per budget.
 * Returns each budget's spend afterwards.
 */
export const ADJUST_SCRIPT = script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local nr = tonumber(ARGV[1])
local nb = #KEYS - nr
for i = 1, nr do
  local a = 1 + (i - 1) * 3
  local limit, w, delta = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local interval = w / limit
  local tat = tonumber(redis.call('GET', KEYS[i]))
  if delta >= 0 then
    if tat == nil or tat < now then tat = now end
    tat = tat + delta * interval
  elseif tat ~= nil then
    tat = tat + delta * interval
  end
  if tat == nil or tat <= now then
    redis.call('DEL', KEYS[i])
  else
    redis.call('SET', KEYS[i], string.format('%.3f', tat), 'PX', math.max(1, math.ceil(tat - now)))
  end
end
local out = {}
local base = 1 + nr * 3
for j = 1, nb do
  local a = base + (j - 1) * 2
  local v = redis.call('INCRBY', KEYS[nr + j], ARGV[a + 1])
  if v < 0 then
    redis.call('SET', KEYS[nr + j], 0)
    v = 0
  end
  redis.call('PEXPIREAT', KEYS[nr + j], ARGV[a + 2])
  out[#out + 1] = v
end
return out
`);

/** Runs a script by its SHA-1 (one round trip), loading it first only if Redis answers NOSCRIPT. */
export async function runScript(client: Redis, s: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await client.evalsha(s.sha1, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return client.eval(s.source, keys.length, ...keys, ...args);
  }
}
