-- Applies one event's updates all or nothing, and only the first time its id is seen:
-- the id is remembered (SET NX with a TTL) in the same script, so a redelivery, on this
-- instance or another, changes nothing.
-- KEYS[1]: the event's dedupe key; ARGV[1]: its TTL in seconds.
-- ARGV[2..]: operations, each an op name, a key index into KEYS and its arguments.
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return 0
end
local i = 2
while i <= #ARGV do
  local op = ARGV[i]
  local key = KEYS[tonumber(ARGV[i + 1])]
  if op == 'ZINCRBY' then
    redis.call('ZINCRBY', key, ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  elseif op == 'ZMAX' then
    redis.call('ZADD', key, 'GT', ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  elseif op == 'HINCRBYFLOAT' then
    redis.call('HINCRBYFLOAT', key, ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  elseif op == 'SADD' then
    redis.call('SADD', key, ARGV[i + 2])
    i = i + 3
  elseif op == 'EXPIRE' then
    redis.call('EXPIRE', key, ARGV[i + 2])
    i = i + 3
  elseif op == 'TRIM' then
    -- keep the newest members of a recency set; drop the others from its companion hash
    local companion = KEYS[tonumber(ARGV[i + 2])]
    local keep = tonumber(ARGV[i + 3])
    local old = redis.call('ZRANGE', key, 0, -(keep + 1))
    if #old > 0 then
      redis.call('ZREM', key, unpack(old))
      redis.call('HDEL', companion, unpack(old))
    end
    i = i + 4
  else
    return redis.error_reply('apply-once: unknown operation ' .. tostring(op))
  end
end
return 1
