// Redis scripts. Each runs atomically on the server (one script at a time), so a check and the
// update it allows cannot interleave with another replica's. Times are the caller's Date.now():
// replicas' clocks are assumed NTP-close (leases are seconds long; skew of tens of ms is harmless).

/**
 * Semaphore acquire / poll. KEYS: holders zset (id -> lease expiry), queue zset (id -> priority
 * score), waiter-lease zset (id -> expiry). ARGV: now, leaseMs, limit, maxQueue, id, score,
 * wasQueued (1 when this id queued before), waiterLeaseMs.
 * Returns {status, holders, queued, evictedId}: status 1 granted, 0 queued, -1 queue full,
 * -2 no longer queued (evicted by a more urgent request, or its waiter lease expired).
 */
export const SEM_ACQUIRE = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[3])
local id = ARGV[5]
local score = tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
if #dead > 0 then
  redis.call('ZREM', KEYS[2], unpack(dead))
  redis.call('ZREM', KEYS[3], unpack(dead))
end
local held = redis.call('ZCARD', KEYS[1])
local rank = redis.call('ZRANK', KEYS[2], id)
if rank == false and ARGV[7] == '1' then
  return {-2, held, redis.call('ZCARD', KEYS[2]), ''}
end
local ahead = rank
if rank == false then ahead = redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. ARGV[6]) end
if ahead < limit - held then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), id)
  if rank ~= false then
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
  end
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 4)
  return {1, held + 1, redis.call('ZCARD', KEYS[2]), ''}
end
local evicted = ''
if rank == false then
  local qlen = redis.call('ZCARD', KEYS[2])
  if qlen >= tonumber(ARGV[4]) then
    local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
    -- scores are priority * 1e13 + enqueue time: only a less urgent class is evicted
    if #last == 0 or math.floor(tonumber(last[2]) / 1e13) <= math.floor(score / 1e13) then
      return {-1, held, qlen, ''}
    end
    evicted = last[1]
    redis.call('ZREM', KEYS[2], evicted)
    redis.call('ZREM', KEYS[3], evicted)
  end
  redis.call('ZADD', KEYS[2], score, id)
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[8]), id)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[8]) * 4)
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[8]) * 4)
return {0, held, redis.call('ZCARD', KEYS[2]), evicted}
`;

/** Release: KEYS holders, queue; ARGV id, channel. Wakes waiters (any replica) when some wait. */
export const SEM_RELEASE = `
local n = redis.call('ZREM', KEYS[1], ARGV[1])
if n > 0 and redis.call('ZCARD', KEYS[2]) > 0 then redis.call('PUBLISH', ARGV[2], '1') end
return n
`;

/** Leaves the queue (cancelled waiter): KEYS queue, waiter-lease; ARGV id. */
export const SEM_LEAVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

/**
 * Renews this process's held leases: KEYS holders; ARGV expiry, key TTL ms, ids... (only ids still
 * held). The key's own TTL is pushed out too: long streams may hold slots with no new grant.
 */
export const SEM_RENEW = `
local n = 0
for i = 3, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
    n = n + 1
  end
end
if n > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return n
`;

/**
 * Token buckets of one key, requests and tokens. KEYS: request bucket, token bucket (hashes
 * {t = tokens, at = last refill ms}). ARGV: now, reqCapacity, tokCapacity, reqCost, tokCost,
 * tokNeed (tokens the bucket must hold to admit). A capacity of 0 means "no limit on this
 * dimension". Refill is capacity per minute. Returns {ok, retryAfterMs, which(1 req, 2 tok)}.
 */
export const BUCKET_TAKE = `
local now = tonumber(ARGV[1])
local function level(key, cap)
  local v = redis.call('HMGET', key, 't', 'at')
  local t = tonumber(v[1]) or cap
  local at = tonumber(v[2]) or now
  local refilled = t + (now - at) * cap / 60000
  if refilled > cap then refilled = cap end
  return refilled
end
local rcap = tonumber(ARGV[2])
local tcap = tonumber(ARGV[3])
local r = 0
local t = 0
if rcap > 0 then
  r = level(KEYS[1], rcap)
  local cost = tonumber(ARGV[4])
  if r < cost then return {0, math.ceil((cost - r) * 60000 / rcap), 1} end
end
if tcap > 0 then
  t = level(KEYS[2], tcap)
  local need = tonumber(ARGV[6])
  if t < need then return {0, math.ceil((need - t) * 60000 / tcap), 2} end
end
if rcap > 0 then
  redis.call('HSET', KEYS[1], 't', r - tonumber(ARGV[4]), 'at', now)
  redis.call('PEXPIRE', KEYS[1], 120000)
end
if tcap > 0 then
  redis.call('HSET', KEYS[2], 't', t - tonumber(ARGV[5]), 'at', now)
  redis.call('PEXPIRE', KEYS[2], 120000)
end
return {1, 0, 0}
`;

/** Leader lease renew / release: KEYS lease; ARGV owner, ttlMs ('0' = release). */
export const LEASE_KEEP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`;

/** Adds to a spend counter that exists (seeded from the rollups): KEYS counter; ARGV usd. */
export const SPEND_ADD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
return 1
`;
