package io.mqlab.messaging.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.DeadLetterSink;
import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessageHeaders;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StreamOperations;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Dead letters of a topic and group in the stream {@code <prefix>:<topic>:<group>:dlq},
 * one entry per dead letter holding it as JSON (the original envelope as its stream
 * fields, so it round-trips exactly). Replay moves each one back to its partition stream
 * with {@link MessageHeaders#REPLAY_GROUP} set, atomically per entry.
 */
final class RedisDeadLetters implements DeadLetters {

	private static final Log logger = LogFactory.getLog(RedisDeadLetters.class);

	private static final int REPLAY_BATCH = 100;

	private final StringRedisTemplate template;

	private final RedisTopology topology;

	RedisDeadLetters(StringRedisTemplate template, RedisTopology topology) {
		this.template = template;
		this.topology = topology;
	}

	/**
	 * Where a subscription of the group writes its dead letters (XADD reply = stored).
	 */
	DeadLetterSink sink(String topic, String group) {
		String key = this.topology.deadLetters(topic, group);
		return (deadLetter) -> streams().add(StreamRecords.newRecord()
			.in(key)
			.ofMap(Map.of(RedisEnvelopes.DEAD_LETTER_FIELD, RedisEnvelopes.json(deadLetter))));
	}

	@Override
	public List<DeadLetter> list(String topic, String group, int limit) {
		List<MapRecord<String, String, String>> records = streams().range(this.topology.deadLetters(topic, group),
				Range.unbounded(), Limit.limit().count(limit));
		return (records != null) ? records.stream().map(this::deadLetter).toList() : List.of();
	}

	@Override
	public int replay(String topic, String group) {
		String key = this.topology.deadLetters(topic, group);
		// Only what is there now: a replayed message that fails again must not loop.
		List<MapRecord<String, String, String>> newest = streams().reverseRange(key, Range.unbounded(),
				Limit.limit().count(1));
		if (newest == null || newest.isEmpty()) {
			return 0;
		}
		String last = newest.get(0).getId().getValue();
		int replayed = 0;
		while (true) {
			List<MapRecord<String, String, String>> batch = streams().range(key, Range.closed("-", last),
					Limit.limit().count(REPLAY_BATCH));
			if (batch == null || batch.isEmpty()) {
				break;
			}
			for (MapRecord<String, String, String> record : batch) {
				Envelope envelope = deadLetter(record).envelope().withHeader(MessageHeaders.REPLAY_GROUP, group);
				List<String> args = new ArrayList<>();
				args.add(record.getId().getValue());
				RedisEnvelopes.fields(envelope).forEach((name, value) -> {
					args.add(name);
					args.add(value);
				});
				String stream = this.topology.stream(topic, this.topology.partition(envelope.key()));
				Long moved = this.template.execute(RedisScripts.REPLAY, List.of(key, stream), args.toArray());
				if (moved != null && moved == 1) {
					replayed++;
				}
			}
		}
		logger.info("Replayed " + replayed + " dead letter(s) of " + topic + " to group " + group);
		return replayed;
	}

	private DeadLetter deadLetter(MapRecord<String, String, String> record) {
		String json = record.getValue().get(RedisEnvelopes.DEAD_LETTER_FIELD);
		if (json == null) {
			throw new IllegalStateException(
					"Dead-letter entry " + record.getId() + " of " + record.getStream() + " has no dead letter");
		}
		return RedisEnvelopes.deadLetter(json);
	}

	private StreamOperations<String, String, String> streams() {
		return this.template.opsForStream();
	}

}
