-- Applies one change to a product's hash only when it is newer than what the cache holds.
-- KEYS[1] the product's hash, KEYS[2] its tombstone (the LSN of its delete)
-- ARGV[1] the change's version (LSN), ARGV[2] 'd' for a delete, ARGV[3] the tombstone's TTL in ms,
-- ARGV[4..] the hash's field/value pairs (an upsert)
-- Returns 1 when applied, 0 when the cache held the same or a newer version.
local version = tonumber(ARGV[1])
local current = -1
local held = redis.call('HGET', KEYS[1], 'lsn')
if held then
  current = tonumber(held)
end
local deleted = redis.call('GET', KEYS[2])
if deleted and tonumber(deleted) > current then
  current = tonumber(deleted)
end
if version <= current then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2])
if ARGV[2] == 'd' then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
else
  redis.call('HSET', KEYS[1], unpack(ARGV, 4))
end
return 1
