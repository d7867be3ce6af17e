-- Writes an alert's state if it is still the version the caller read (compare-and-set),
-- and in the same step queues its transition for publishing (the outbox) and keeps it in
-- the history: a transition is queued once, whichever instance of the service got there.
-- KEYS: 1 states hash, 2 rules hash, 3 outbox list, 4 history list
-- ARGV: 1 field, 2 expected version (0: absent), 3 state json, 4 rule creation time, 5 transition json
--       ('' none), 6 history size, 7 max alerts, 8 rule must exist (1/0), 9 rule name, 10 most transitions waiting
local current = redis.call('HGET', KEYS[1], ARGV[1])
local version = 0
if current then
  version = tonumber(string.match(current, '^(%d+)|'))
end
if version ~= tonumber(ARGV[2]) then
  return -1
end
if ARGV[8] == '1' then
  local rule = redis.call('HGET', KEYS[2], ARGV[9])
  if not rule or string.match(rule, '^(%d+)|') ~= ARGV[4] then
    return -2
  end
end
if not current and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[7]) then
  return -3
end
redis.call('HSET', KEYS[1], ARGV[1], (version + 1) .. '|' .. ARGV[3])
if ARGV[5] ~= '' then
  redis.call('RPUSH', KEYS[3], ARGV[5])
  -- bounded while the broker is away: the oldest waiting transitions give way
  redis.call('LTRIM', KEYS[3], -tonumber(ARGV[10]), -1)
  redis.call('LPUSH', KEYS[4], ARGV[5])
  redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[6]) - 1)
end
return 1
