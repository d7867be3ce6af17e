-- Applies one sample batch all or nothing, once: the batch's (instance, at) key is set
-- in the same script, so a redelivery changes nothing; and each rollup is replaced only if
-- it is still the one the caller read (compare-and-set), else -1 and the caller reads again.
-- KEYS: 1 dedupe, 2 instance hash, 3 instances zset, 4 series set, 5 latest hash, 6.. rollups
-- ARGV: 1 dedupe ttl, 2 at (ms), 3 instance, 4 service, 5 host, 6 pid, 7 interval,
--       8 instance ttl, 9 forget instances before (ms), 10 max instances,
--       11 n series, then n series ids, then n latest values (same order),
--       then per rollup key: expected member ('' none), new member, score, ttl, trim before
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local n = tonumber(ARGV[11])
local base = 11 + 2 * n
for k = 6, #KEYS do
  local a = base + (k - 6) * 5
  local current = redis.call('ZRANGEBYSCORE', KEYS[k], ARGV[a + 3], ARGV[a + 3])
  if (current[1] or '') ~= ARGV[a + 1] then
    return -1
  end
end
local at = tonumber(ARGV[2])
if redis.call('ZSCORE', KEYS[3], ARGV[3]) == false then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[9])
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[10]) then
    return -2
  end
end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
for k = 6, #KEYS do
  local a = base + (k - 6) * 5
  if ARGV[a + 1] ~= '' then
    redis.call('ZREM', KEYS[k], ARGV[a + 1])
  end
  redis.call('ZADD', KEYS[k], ARGV[a + 3], ARGV[a + 2])
  redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', '(' .. ARGV[a + 5])
  redis.call('EXPIRE', KEYS[k], ARGV[a + 4])
end
if n > 0 then
  redis.call('SADD', KEYS[4], unpack(ARGV, 12, 11 + n))
end
redis.call('EXPIRE', KEYS[4], ARGV[8])
-- the instance's newest batch (by event time) sets what the instance shows now
if at >= tonumber(redis.call('HGET', KEYS[2], 'lastAt') or '0') then
  redis.call('HSET', KEYS[2], 'service', ARGV[4], 'host', ARGV[5], 'pid', ARGV[6], 'interval', ARGV[7],
    'lastAt', ARGV[2])
  redis.call('ZADD', KEYS[3], at, ARGV[3])
  for i = 1, n do
    redis.call('HSET', KEYS[5], ARGV[11 + i], ARGV[2] .. '|' .. ARGV[11 + n + i])
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[8])
redis.call('EXPIRE', KEYS[5], ARGV[8])
return 1
