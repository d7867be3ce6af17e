-- Moves a command on, never back and never out of a final state.
-- KEYS: 1 command hash
-- ARGV: 1 the new status, 2 now (ms), 3 detail
-- DELIVERED only follows PENDING; SUCCEEDED and FAILED follow PENDING or DELIVERED (a
-- device may answer before the bridge recorded the delivery); EXPIRED follows PENDING or
-- DELIVERED once the expiry passed. Returns 1 when it moved, 0 when not, -1 for no such
-- command. A second answer is counted in 'ignoredAnswers'.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
local to = ARGV[1]
if status ~= 'PENDING' and status ~= 'DELIVERED' then
  if to == 'SUCCEEDED' or to == 'FAILED' then redis.call('HINCRBY', KEYS[1], 'ignoredAnswers', 1) end
  return 0
end
if to == 'DELIVERED' then
  if status ~= 'PENDING' then return 0 end
  redis.call('HSET', KEYS[1], 'status', to, 'deliveredAt', ARGV[2])
  return 1
end
if to == 'EXPIRED' then
  if tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) > tonumber(ARGV[2]) then return 0 end
  redis.call('HSET', KEYS[1], 'status', to, 'finishedAt', ARGV[2])
  return 1
end
redis.call('HSET', KEYS[1], 'status', to, 'finishedAt', ARGV[2], 'detail', ARGV[3])
return 1
