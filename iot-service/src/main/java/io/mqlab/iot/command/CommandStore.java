package io.mqlab.iot.command;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mqlab.iot.IotSettings;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Commands in Redis, one hash each, gone {@code command-retention} after they expire.
 * Every status change is one Lua script that only moves forward, so a second answer, a
 * late delivery or a redelivered message changes nothing.
 */
@Component
public class CommandStore {

	private static final RedisScript<Long> TRANSITION = RedisScript
		.of(new ClassPathResource("io/mqlab/iot/command/transition.lua"), Long.class);

	private final StringRedisTemplate redis;

	private final IotSettings settings;

	private final JsonMapper json;

	private final Clock clock;

	CommandStore(StringRedisTemplate redis, IotSettings settings, JsonMapper json, Clock clock) {
		this.redis = redis;
		this.settings = settings;
		this.json = json;
		this.clock = clock;
	}

	void create(CommandRequested command) {
		Map<String, String> hash = new LinkedHashMap<>();
		hash.put("id", command.commandId());
		hash.put("device", command.deviceId());
		hash.put("name", command.name());
		hash.put("args", this.json.writeValueAsString(command.args()));
		hash.put("status", CommandStatus.PENDING.name());
		hash.put("createdAt", Long.toString(this.clock.millis()));
		hash.put("expiresAt", Long.toString(command.expiresAt().toEpochMilli()));
		String key = key(command.commandId());
		this.redis.opsForHash().putAll(key, hash);
		this.redis.expireAt(key, command.expiresAt().plus(this.settings.commandRetention()));
	}

	void delete(String commandId) {
		this.redis.delete(key(commandId));
	}

	/** The command's status, {@code null} for none. */
	public CommandStatus status(String commandId) {
		Object status = this.redis.opsForHash().get(key(commandId), "status");
		return (status != null) ? CommandStatus.valueOf((String) status) : null;
	}

	/**
	 * @return whether it moved to that status
	 */
	public boolean transition(String commandId, CommandStatus to, String detail) {
		Long moved = this.redis.execute(TRANSITION, List.of(key(commandId)), to.name(),
				Long.toString(this.clock.millis()), (detail != null) ? detail : "");
		return moved != null && moved == 1;
	}

	/** The device of a command, {@code null} for none. */
	String deviceOf(String commandId) {
		return (String) this.redis.opsForHash().get(key(commandId), "device");
	}

	/** The command, EXPIRED once its time passed without an answer. */
	Optional<Command> find(String commandId) {
		Map<Object, Object> hash = this.redis.opsForHash().entries(key(commandId));
		if (hash.isEmpty()) {
			return Optional.empty();
		}
		String status = (String) hash.get("status");
		Instant expiresAt = instant(hash, "expiresAt");
		if ((status.equals("PENDING") || status.equals("DELIVERED")) && !expiresAt.isAfter(this.clock.instant())) {
			transition(commandId, CommandStatus.EXPIRED, null);
			hash = this.redis.opsForHash().entries(key(commandId));
		}
		String detail = (String) hash.get("detail");
		String answers = (String) hash.get("ignoredAnswers");
		return Optional.of(new Command(commandId, (String) hash.get("device"), (String) hash.get("name"),
				this.json.readTree((String) hash.get("args")), CommandStatus.valueOf((String) hash.get("status")),
				instant(hash, "createdAt"), expiresAt, instant(hash, "deliveredAt"), instant(hash, "finishedAt"),
				(detail == null || detail.isEmpty()) ? null : detail, (answers != null) ? Long.parseLong(answers) : 0));
	}

	Duration maxTtl() {
		return this.settings.maxCommandTtl();
	}

	private static Instant instant(Map<Object, Object> hash, String field) {
		Object value = hash.get(field);
		return (value != null) ? Instant.ofEpochMilli(Long.parseLong((String) value)) : null;
	}

	private String key(String commandId) {
		return this.settings.keyPrefix() + ":command:" + commandId;
	}

}
