-- Removes an alert's state if it is still the version the caller read.
-- KEYS: 1 states hash; ARGV: 1 field, 2 version
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and string.match(current, '^(%d+)|') == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
