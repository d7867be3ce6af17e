-- Sets a device online or offline unless a newer status is already there.
-- KEYS: 1 device hash, 2 all devices (zset), 3 online devices (zset)
-- ARGV: 1 online ('1' or '0'), 2 at (ms), 3 now (ms), 4 device id, 5 max devices
if redis.call('EXISTS', KEYS[1]) == 0 then
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return -1 end
  redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
  redis.call('HSET', KEYS[1], 'id', ARGV[4], 'firstSeen', ARGV[3])
end
local current = redis.call('HGET', KEYS[1], 'statusAt')
if current and tonumber(current) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'online', ARGV[1], 'statusAt', ARGV[2])
if ARGV[1] == '1' then
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
else
  redis.call('ZREM', KEYS[3], ARGV[4])
end
return 1
