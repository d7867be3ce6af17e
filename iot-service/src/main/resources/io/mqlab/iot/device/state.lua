-- Keeps a device's newest state: an older or repeated sequence number changes nothing.
-- KEYS: 1 device hash, 2 all devices (zset)
-- ARGV: 1 seq, 2 state (json), 3 now (ms), 4 device id, 5 max devices
-- Returns -1 when the device is one too many, 0 when not newer, 1 when kept.
if redis.call('EXISTS', KEYS[1]) == 0 then
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return -1 end
  redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
  redis.call('HSET', KEYS[1], 'id', ARGV[4], 'firstSeen', ARGV[3], 'online', '0')
end
local current = redis.call('HGET', KEYS[1], 'stateSeq')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'stateSeq', ARGV[1], 'state', ARGV[2], 'stateAt', ARGV[3], 'lastSeen', ARGV[3])
return 1
