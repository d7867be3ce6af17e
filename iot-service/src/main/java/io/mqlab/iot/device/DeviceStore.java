package io.mqlab.iot.device;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.mqlab.iot.IotSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The devices' last values and short histories in Redis, shared by every instance. Each
 * write is one Lua script, so a redelivered message is recognised and applied at most
 * once whichever instance gets it. Everything is bounded: {@code max-devices} devices,
 * {@code history-size} telemetry messages and {@code dedupe-window} sequence numbers per
 * device, the last 100 rejections.
 */
@Component
public class DeviceStore {

	static final int REJECTIONS_KEPT = 100;

	private static final RedisScript<Long> TELEMETRY = script("telemetry.lua");

	private static final RedisScript<Long> STATE = script("state.lua");

	private static final RedisScript<Long> STATUS = script("status.lua");

	private static final RedisScript<Long> REGISTER = script("register.lua");

	private final StringRedisTemplate redis;

	private final IotSettings settings;

	private final JsonMapper json;

	private final Clock clock;

	DeviceStore(StringRedisTemplate redis, IotSettings settings, JsonMapper json, Clock clock) {
		this.redis = redis;
		this.settings = settings;
		this.json = json;
		this.clock = clock;
	}

	private static RedisScript<Long> script(String name) {
		return RedisScript.of(new ClassPathResource("io/mqlab/iot/device/" + name), Long.class);
	}

	/**
	 * @return -1 when the device is one too many, 0 for a duplicate, 1 applied, 2 applied
	 * and an alert raised
	 */
	long applyTelemetry(TelemetryReceived telemetry, DeviceAlertRaised alert) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("seq", telemetry.seq());
		entry.put("at", telemetry.at());
		entry.put("readings", telemetry.readings());
		// device to platform delay: appliedAt - at (the benchmark reads it)
		entry.put("appliedAt", this.clock.instant());
		String id = telemetry.deviceId();
		return this.redis.execute(TELEMETRY, List.of(deviceKey(id), key("seqs", id), key("history", id), allKey()),
				Long.toString(telemetry.seq()), Long.toString(telemetry.at().toEpochMilli()),
				historyEntry(telemetry.seq(), this.json.writeValueAsString(entry)),
				this.json.writeValueAsString(telemetry.readings()), now(),
				Integer.toString(this.settings.historySize()), Integer.toString(this.settings.dedupeWindow()),
				Integer.toString(this.settings.maxDevices()),
				(alert != null) ? this.json.writeValueAsString(alert) : "", id);
	}

	/**
	 * @return -1 when the device is one too many, 0 when not newer, 1 when kept
	 */
	long applyState(StateReported state) {
		return this.redis.execute(STATE, List.of(deviceKey(state.deviceId()), allKey()), Long.toString(state.seq()),
				this.json.writeValueAsString(state.state()), now(), state.deviceId(),
				Integer.toString(this.settings.maxDevices()));
	}

	/**
	 * @return -1 when the device is one too many, 0 when older than the current, 1 set
	 */
	long applyStatus(StatusChanged status) {
		return this.redis.execute(STATUS, List.of(deviceKey(status.deviceId()), allKey(), onlineKey()),
				status.online() ? "1" : "0", Long.toString(status.at().toEpochMilli()), now(), status.deviceId(),
				Integer.toString(this.settings.maxDevices()));
	}

	/**
	 * @return -1 when the device is one too many, 0 when known, 1 when new
	 */
	public long register(String deviceId) {
		return this.redis.execute(REGISTER, List.of(deviceKey(deviceId), allKey()), now(), deviceId,
				Integer.toString(this.settings.maxDevices()));
	}

	void rejected(DeviceMessageRejected rejection) {
		String key = this.settings.keyPrefix() + ":rejected";
		this.redis.opsForList().leftPush(key, this.json.writeValueAsString(rejection));
		this.redis.opsForList().trim(key, 0, REJECTIONS_KEPT - 1);
		if (Boolean.TRUE.equals(this.redis.hasKey(deviceKey(rejection.deviceId())))) {
			this.redis.opsForHash().increment(deviceKey(rejection.deviceId()), "rejected", 1);
		}
	}

	/** The latest rejections, newest first. */
	List<JsonNode> rejections(int limit) {
		List<String> entries = this.redis.opsForList().range(this.settings.keyPrefix() + ":rejected", 0, limit - 1);
		return (entries != null) ? entries.stream().map(this.json::readTree).toList() : List.of();
	}

	public boolean exists(String deviceId) {
		return Boolean.TRUE.equals(this.redis.hasKey(deviceKey(deviceId)));
	}

	public Optional<Device> find(String deviceId) {
		Map<Object, Object> hash = this.redis.opsForHash().entries(deviceKey(deviceId));
		return hash.isEmpty() ? Optional.empty() : Optional.of(device(hash));
	}

	/** A page of devices by registration, all or only the online ones. */
	List<Device> list(Boolean online, int offset, int limit) {
		List<String> ids;
		if (Boolean.TRUE.equals(online)) {
			ids = range(onlineKey(), offset, limit);
		}
		else if (online == null) {
			ids = range(allKey(), offset, limit);
		}
		else {
			// offline ones: walk the devices in pages, leaving the online ones out
			ids = new ArrayList<>();
			int skipped = 0;
			long from = 0;
			while (ids.size() < limit) {
				List<String> page = range(allKey(), from, 500);
				if (page.isEmpty()) {
					break;
				}
				from += page.size();
				List<Double> scores = this.redis.opsForZSet().score(onlineKey(), page.toArray());
				for (int i = 0; i < page.size() && ids.size() < limit; i++) {
					if (scores == null || scores.get(i) == null) {
						if (skipped++ >= offset) {
							ids.add(page.get(i));
						}
					}
				}
			}
		}
		List<Device> devices = new ArrayList<>(ids.size());
		for (String id : ids) {
			find(id).ifPresent(devices::add);
		}
		return devices;
	}

	/** Telemetry entries measured from {@code from} to {@code to}, oldest first. */
	List<JsonNode> history(String deviceId, Instant from, Instant to, int limit) {
		Set<String> entries = this.redis.opsForZSet()
			.rangeByScore(key("history", deviceId), from.toEpochMilli(), to.toEpochMilli(), 0, limit);
		return (entries != null)
				? entries.stream().map((entry) -> this.json.readTree(entry.substring(entry.indexOf('|') + 1))).toList()
				: List.of();
	}

	/**
	 * Readings measured in the same millisecond share a score, and Redis orders those by
	 * member: a zero-padded sequence number first keeps them in the device's order.
	 */
	private static String historyEntry(long seq, String json) {
		return String.format("%019d|%s", seq, json);
	}

	private List<String> range(String key, long offset, int limit) {
		Set<String> ids = this.redis.opsForZSet().range(key, offset, offset + limit - 1);
		return (ids != null) ? new ArrayList<>(ids) : List.of();
	}

	private Device device(Map<Object, Object> hash) {
		return new Device(text(hash, "id"), "1".equals(hash.get("online")), instant(hash, "firstSeen"),
				instant(hash, "lastSeen"), node(hash, "readings"), instant(hash, "readingsAt"), node(hash, "alert"),
				node(hash, "state"), number(hash, "received"), number(hash, "duplicates"), number(hash, "missing"),
				number(hash, "outOfOrder"), number(hash, "rejected"));
	}

	private static String text(Map<Object, Object> hash, String field) {
		return (String) hash.get(field);
	}

	private static Instant instant(Map<Object, Object> hash, String field) {
		String value = text(hash, field);
		return (value != null) ? Instant.ofEpochMilli(Long.parseLong(value)) : null;
	}

	private static long number(Map<Object, Object> hash, String field) {
		String value = text(hash, field);
		return (value != null) ? Long.parseLong(value) : 0;
	}

	private JsonNode node(Map<Object, Object> hash, String field) {
		String value = text(hash, field);
		return (value != null && !value.isEmpty()) ? this.json.readTree(value) : null;
	}

	private String now() {
		return Long.toString(this.clock.millis());
	}

	private String deviceKey(String id) {
		return key("device", id);
	}

	private String key(String kind, String id) {
		return this.settings.keyPrefix() + ":" + kind + ":" + id;
	}

	private String allKey() {
		return this.settings.keyPrefix() + ":devices";
	}

	private String onlineKey() {
		return this.settings.keyPrefix() + ":online";
	}

}
