-- Applies a batch of changes in order, each only when newer than what the cache holds of its product.
-- KEYS[2i-1] the product's hash, KEYS[2i] its tombstone (the LSN of its delete), for the i-th change
-- ARGV[1] the tombstone's TTL in ms; then per change: its version (LSN), 'd' for a delete or 'u',
-- the number n of values that follow, and n values: the hash's field/value pairs (an upsert)
-- Returns per change 1 when applied, 0 when the cache held the same or a newer version.
local results = {}
local at = 2
for i = 1, #KEYS / 2 do
  local hash = KEYS[2 * i - 1]
  local tombstone = KEYS[2 * i]
  local lsn = ARGV[at]
  local version = tonumber(lsn)
  local op = ARGV[at + 1]
  local n = tonumber(ARGV[at + 2])
  local first = at + 3
  at = first + n
  local current = -1
  local held = redis.call('HGET', hash, 'lsn')
  if held then
    current = tonumber(held)
  end
  local deleted = redis.call('GET', tombstone)
  if deleted and tonumber(deleted) > current then
    current = tonumber(deleted)
  end
  if version <= current then
    results[i] = 0
  else
    redis.call('DEL', hash, tombstone)
    if op == 'd' then
      redis.call('SET', tombstone, lsn, 'PX', ARGV[1])
    else
      redis.call('HSET', hash, unpack(ARGV, first, first + n - 1))
    end
    results[i] = 1
  end
end
return results
