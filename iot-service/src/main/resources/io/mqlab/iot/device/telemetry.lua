-- Applies one telemetry message of a device at most once, atomically.
-- KEYS: 1 device hash, 2 seen sequence numbers (zset), 3 history (zset by time), 4 all devices (zset)
-- ARGV: 1 seq, 2 at (ms), 3 history entry (json), 4 readings (json), 5 now (ms), 6 history size,
--       7 dedupe window, 8 max devices, 9 alert (json, '' when under every limit), 10 device id
-- Returns -1 when the device is one too many, 0 for a duplicate, 1 applied, 2 applied and
-- an alert raised (it was not before).
local seq = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then
  if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[8]) then return -1 end
  redis.call('ZADD', KEYS[4], 'NX', ARGV[5], ARGV[10])
  redis.call('HSET', KEYS[1], 'id', ARGV[10], 'firstSeen', ARGV[5], 'online', '0')
end
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('HINCRBY', KEYS[1], 'duplicates', 1)
  return 0
end
local window = tonumber(ARGV[7])
if redis.call('ZCARD', KEYS[2]) >= window then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  -- older than anything remembered: cannot tell, so it counts as seen
  if seq < tonumber(oldest[2]) then
    redis.call('HINCRBY', KEYS[1], 'duplicates', 1)
    return 0
  end
end
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(window + 1))
local received = redis.call('HINCRBY', KEYS[1], 'received', 1)
local maxSeq = tonumber(redis.call('HGET', KEYS[1], 'maxSeq') or '-1')
local firstSeq = tonumber(redis.call('HGET', KEYS[1], 'firstSeq') or ARGV[1])
if seq < firstSeq then firstSeq = seq end
local result = 1
if seq < maxSeq then
  -- a late one fills a gap; the latest readings stay the newer ones
  redis.call('HINCRBY', KEYS[1], 'outOfOrder', 1)
else
  maxSeq = seq
  redis.call('HSET', KEYS[1], 'maxSeq', ARGV[1], 'readings', ARGV[4], 'readingsAt', ARGV[2])
  if ARGV[9] ~= '' then
    local before = redis.call('HGET', KEYS[1], 'alert')
    if not before or before == '' then result = 2 end
    redis.call('HSET', KEYS[1], 'alert', ARGV[9])
  else
    redis.call('HSET', KEYS[1], 'alert', '')
  end
end
redis.call('HSET', KEYS[1], 'firstSeq', tostring(firstSeq), 'lastSeen', ARGV[5],
  'missing', tostring((maxSeq - firstSeq + 1) - received))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[6]) + 1))
return result
