-- Registers a device (POST /devices); one already known is left as it is.
-- KEYS: 1 device hash, 2 all devices (zset)
-- ARGV: 1 now (ms), 2 device id, 3 max devices
-- Returns -1 when the device is one too many, 0 when known, 1 when new.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return -1 end
redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'firstSeen', ARGV[1], 'online', '0')
return 1
