package io.mqlab.messaging.redis;

import java.util.List;

import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts of the adapter. Each one makes a step atomic that would otherwise race
 * between group members: checking a lease and acting on it, moving a dead letter back to
 * its stream, or moving due delayed messages into theirs. Time comes from the Redis
 * server ({@code TIME}) so members on hosts with different clocks agree.
 */
final class RedisScripts {

	/**
	 * XGROUP CREATE on every partition stream, creating the streams too (MKSTREAM). A new
	 * group starts at 0, so it reads the history the streams retain; BUSYGROUP means it
	 * exists already. KEYS: streams; ARGV: group.
	 */
	static final RedisScript<Long> PROVISION = new DefaultRedisScript<>("""
			for _, key in ipairs(KEYS) do
			  local reply = redis.pcall('XGROUP', 'CREATE', key, ARGV[1], '0', 'MKSTREAM')
			  if type(reply) == 'table' and reply.err and not string.find(reply.err, 'BUSYGROUP', 1, true) then
			    return redis.error_reply(reply.err)
			  end
			end
			return #KEYS
			""", Long.class);

	/**
	 * Moves the group back on every partition (XGROUP SETID), creating it where missing.
	 * KEYS: streams; ARGV: group, last id the group counts as delivered.
	 */
	static final RedisScript<Long> REWIND = new DefaultRedisScript<>("""
			for _, key in ipairs(KEYS) do
			  local reply = redis.pcall('XGROUP', 'CREATE', key, ARGV[1], '0', 'MKSTREAM')
			  if type(reply) == 'table' and reply.err and not string.find(reply.err, 'BUSYGROUP', 1, true) then
			    return redis.error_reply(reply.err)
			  end
			  redis.call('XGROUP', 'SETID', key, ARGV[1], ARGV[2])
			end
			return #KEYS
			""", Long.class);

	/**
	 * One heartbeat of a group member: records it in the member registry, drops members
	 * that stopped beating, renews the member's partition leases and, if allowed, takes
	 * free partitions up to its fair share, ceil(partitions / live members). KEYS:
	 * members, then the lease of each partition; ARGV: member, ttl ms, '1' to take free
	 * partitions, the partition to try first. Returns live members, share, then the
	 * partitions the member holds.
	 */
	@SuppressWarnings("rawtypes")
	static final RedisScript<List> TICK = new DefaultRedisScript<>("""
			local time = redis.call('TIME')
			local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
			local ttl = tonumber(ARGV[2])
			redis.call('ZADD', KEYS[1], now, ARGV[1])
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
			redis.call('PEXPIRE', KEYS[1], ttl * 2)
			local live = redis.call('ZCARD', KEYS[1])
			local n = #KEYS - 1
			local share = math.ceil(n / live)
			local result = { live, share }
			for p = 0, n - 1 do
			  if redis.call('GET', KEYS[p + 2]) == ARGV[1] then
			    redis.call('PEXPIRE', KEYS[p + 2], ttl)
			    result[#result + 1] = p
			  end
			end
			if ARGV[3] == '1' then
			  local first = tonumber(ARGV[4])
			  for i = 0, n - 1 do
			    if #result - 2 >= share then
			      break
			    end
			    local p = (first + i) % n
			    if redis.call('SET', KEYS[p + 2], ARGV[1], 'NX', 'PX', ttl) then
			      result[#result + 1] = p
			    end
			  end
			end
			return result
			""", List.class);

	/**
	 * Taking over a partition whose lease the member holds: claims (XAUTOCLAIM) what
	 * other consumers left pending for at least the visibility timeout, deletes consumers
	 * that hold nothing, and counts what others still hold (entries delivered less than
	 * the visibility timeout ago, which must not be overtaken). KEYS: stream, lease;
	 * ARGV: group, member, min idle ms. Returns -1 when the lease is not the member's.
	 */
	static final RedisScript<Long> TAKE_OVER = new DefaultRedisScript<>(
			"""
					if redis.call('GET', KEYS[2]) ~= ARGV[2] then
					  return -1
					end
					local cursor = '0-0'
					repeat
					  local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor, 'COUNT', 500, 'JUSTID')
					  cursor = claimed[1]
					until cursor == '0-0'
					local held = 0
					for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
					  local info = {}
					  for i = 1, #consumer, 2 do
					    info[consumer[i]] = consumer[i + 1]
					  end
					  if info['name'] ~= ARGV[2] then
					    if info['pending'] > 0 then
					      held = held + info['pending']
					    else
					      redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
					    end
					  end
					end
					return held
					""",
			Long.class);

	/**
	 * Gives a partition back: the member's unacknowledged entries are marked idle (XCLAIM
	 * IDLE, delivery count unchanged) so the next owner claims them at once instead of
	 * waiting for the visibility timeout, and the lease is deleted if it is still the
	 * member's. KEYS: stream, lease; ARGV: group, member, idle ms. Returns how many
	 * entries were handed over.
	 */
	static final RedisScript<Long> RELEASE = new DefaultRedisScript<>("""
			local handed = 0
			if redis.call('EXISTS', KEYS[1]) == 1 then
			  local from = '-'
			  while true do
			    local pending = redis.pcall('XPENDING', KEYS[1], ARGV[1], from, '+', 500, ARGV[2])
			    if pending.err or #pending == 0 then
			      break
			    end
			    local args = {}
			    for i, entry in ipairs(pending) do
			      args[i] = entry[1]
			    end
			    from = '(' .. pending[#pending][1]
			    args[#args + 1] = 'IDLE'
			    args[#args + 1] = ARGV[3]
			    args[#args + 1] = 'JUSTID'
			    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, unpack(args))
			    handed = handed + #pending
			  end
			  if handed == 0 then
			    redis.pcall('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
			  end
			end
			if redis.call('GET', KEYS[2]) == ARGV[2] then
			  redis.call('DEL', KEYS[2])
			end
			return handed
			""", Long.class);

	/**
	 * What a group has not handled yet: per partition, the entries not yet delivered
	 * (XINFO GROUPS lag; counted when Redis cannot tell, e.g. after XGROUP SETID) plus
	 * those delivered but not acknowledged. KEYS: streams; ARGV: group.
	 */
	static final RedisScript<Long> BACKLOG = new DefaultRedisScript<>("""
			local total = 0
			for _, key in ipairs(KEYS) do
			  if redis.call('EXISTS', key) == 1 then
			    for _, group in ipairs(redis.call('XINFO', 'GROUPS', key)) do
			      local info = {}
			      for i = 1, #group, 2 do
			        info[group[i]] = group[i + 1]
			      end
			      if info['name'] == ARGV[1] then
			        local lag = info['lag']
			        if type(lag) ~= 'number' then
			          lag = #redis.call('XRANGE', key, '(' .. info['last-delivered-id'], '+')
			        end
			        total = total + info['pending'] + lag
			      end
			    end
			  end
			end
			return total
			""", Long.class);

	/**
	 * Trims a partition stream (XTRIM MINID, exact) to what must stay: entries added
	 * within the retention, and every entry some group has not acknowledged, i.e. from
	 * the oldest pending entry of each group, or from the first entry after its
	 * last-delivered id when it has none pending (a rewind moves that back, so rewound
	 * entries stay too). Without groups only the retention counts. Ids are compared as
	 * (ms, seq); a sequence beyond 2^53 is the rewind's "whole millisecond" marker. KEYS:
	 * stream; ARGV: retention ms. Returns how many entries were removed.
	 */
	static final RedisScript<Long> TRIM = new DefaultRedisScript<>("""
			if redis.call('EXISTS', KEYS[1]) == 0 then
			  return 0
			end
			local function parse(id)
			  local dash = string.find(id, '-', 1, true)
			  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
			end
			local time = redis.call('TIME')
			local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
			local ms, seq = now - tonumber(ARGV[1]), 0
			local function lower(candidate_ms, candidate_seq)
			  if candidate_ms < ms or (candidate_ms == ms and candidate_seq < seq) then
			    ms, seq = candidate_ms, candidate_seq
			  end
			end
			for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
			  local info = {}
			  for i = 1, #group, 2 do
			    info[group[i]] = group[i + 1]
			  end
			  if info['pending'] > 0 then
			    local summary = redis.call('XPENDING', KEYS[1], info['name'])
			    lower(parse(summary[2]))
			  else
			    local last_ms, last_seq = parse(info['last-delivered-id'])
			    if last_seq >= 9007199254740992 then
			      lower(last_ms + 1, 0)
			    else
			      lower(last_ms, last_seq + 1)
			    end
			  end
			end
			if ms <= 0 then
			  return 0
			end
			return redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f-%.0f', ms, seq))
			""", Long.class);

	/**
	 * Moves one dead letter back to its partition stream: XADD first, then XDEL, so a
	 * failure loses nothing. KEYS: dead letters, stream; ARGV: dead-letter entry id, then
	 * the envelope's fields and values. Returns 0 if the dead letter was already gone.
	 */
	static final RedisScript<Long> REPLAY = new DefaultRedisScript<>("""
			if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then
			  return 0
			end
			local fields = {}
			for i = 2, #ARGV do
			  fields[i - 1] = ARGV[i]
			end
			redis.call('XADD', KEYS[2], '*', unpack(fields))
			redis.call('XDEL', KEYS[1], ARGV[1])
			return 1
			""", Long.class);

	/**
	 * Stores a delayed message: adds it to its delayed set and lowers the set's score in
	 * the registry to the message's due time if that is earlier. One script, so the move
	 * script never sees the one without the other. The due time is the server's clock
	 * plus the wait left, the clock the move script compares with. KEYS: delayed set,
	 * registry; ARGV: wait left (ms), member.
	 */
	static final RedisScript<Long> DELAY = new DefaultRedisScript<>("""
			local time = redis.call('TIME')
			local due = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + tonumber(ARGV[1])
			redis.call('ZADD', KEYS[1], due, ARGV[2])
			local current = redis.call('ZSCORE', KEYS[2], KEYS[1])
			if not current or due < tonumber(current) then
			  redis.call('ZADD', KEYS[2], due, KEYS[1])
			end
			return 1
			""", Long.class);

	/**
	 * The delayed sets holding something due, by the server's clock. KEYS: registry;
	 * ARGV: limit. Returns the milliseconds until the earliest set is due (0 if one is,
	 * -1 if there is none), then the due sets.
	 */
	@SuppressWarnings("rawtypes")
	static final RedisScript<List> DUE = new DefaultRedisScript<>("""
			local time = redis.call('TIME')
			local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
			local result = { -1 }
			local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
			if #head > 0 then
			  result[1] = math.max(0, tonumber(head[2]) - now)
			end
			for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))) do
			  result[#result + 1] = key
			end
			return result
			""", List.class);

	/**
	 * Moves the messages of a delayed set that are due by the server's clock into its
	 * partition stream (XADD with the fields an immediate publish writes, then ZREM), up
	 * to a limit, and sets the set's registry score to its new earliest due time (or
	 * removes it when empty). Atomic, so movers of several instances never move a message
	 * twice. A member that is not a field list is moved as it is, so the consumer
	 * dead-letters it as unreadable instead of it blocking the set. KEYS: delayed set,
	 * stream, registry; ARGV: limit. Returns how many moved.
	 */
	static final RedisScript<Long> MOVE = new DefaultRedisScript<>("""
			local time = redis.call('TIME')
			local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
			local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
			for _, member in ipairs(due) do
			  local ok, fields = pcall(cjson.decode, member)
			  local valid = ok and type(fields) == 'table' and #fields > 0 and #fields % 2 == 0
			  for i = 1, (valid and #fields or 0) do
			    valid = valid and type(fields[i]) == 'string'
			  end
			  if not valid then
			    fields = { 'unreadable-delayed', member }
			  end
			  redis.call('XADD', KEYS[2], '*', unpack(fields))
			  redis.call('ZREM', KEYS[1], member)
			end
			local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
			if #head == 0 then
			  redis.call('ZREM', KEYS[3], KEYS[1])
			else
			  redis.call('ZADD', KEYS[3], head[2], KEYS[1])
			end
			return #due
			""", Long.class);

	private RedisScripts() {
	}

}
