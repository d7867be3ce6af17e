package io.mqlab.support.metrics;

import java.util.ArrayList;
import java.util.List;

import io.mqlab.messaging.contract.TestBrokers;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Removes what a test run left in the shared Redis. */
final class RedisKeys {

	private RedisKeys() {
	}

	static void delete(String pattern) {
		TestBrokers.Broker redis = TestBrokers.redis();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(redis.host(), redis.port());
		factory.afterPropertiesSet();
		factory.start();
		try {
			StringRedisTemplate template = new StringRedisTemplate(factory);
			List<String> keys = new ArrayList<>();
			try (Cursor<String> cursor = template.scan(ScanOptions.scanOptions().match(pattern).count(1000).build())) {
				cursor.forEachRemaining(keys::add);
			}
			if (!keys.isEmpty()) {
				template.unlink(keys);
			}
		}
		finally {
			factory.destroy();
		}
	}

}
