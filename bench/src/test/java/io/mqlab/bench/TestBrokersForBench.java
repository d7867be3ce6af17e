package io.mqlab.bench;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.contract.TestBrokers;

/**
 * The bench's {@link Brokers} for a smoke run: the backend under test's broker from
 * {@link TestBrokers} (the local one, or its container), the others as
 * {@link Brokers#LOCAL}, untouched as before.
 */
public final class TestBrokersForBench {

	private TestBrokersForBench() {
	}

	public static Brokers brokers(Backend backend, String kafkaBootstrap) {
		Brokers local = Brokers.LOCAL.withKafkaBootstrap(kafkaBootstrap);
		return switch (backend) {
			case KAFKA -> local;
			case RABBITMQ -> {
				TestBrokers.Broker rabbit = TestBrokers.rabbit();
				yield new Brokers(kafkaBootstrap, rabbit.host(), rabbit.port(), rabbit.username(), rabbit.password(),
						local.redisHost(), local.redisPort(), local.postgresHost(), local.postgresPort(),
						local.postgresDatabase(), local.postgresUser());
			}
			case REDIS -> {
				TestBrokers.Broker redis = TestBrokers.redis();
				yield new Brokers(kafkaBootstrap, local.rabbitHost(), local.rabbitPort(), local.rabbitUser(),
						local.rabbitPassword(), redis.host(), redis.port(), local.postgresHost(), local.postgresPort(),
						local.postgresDatabase(), local.postgresUser());
			}
			case POSTGRES -> {
				// the bench logs in without a password: the container trusts, as the
				// local one
				TestBrokers.Broker postgres = TestBrokers.postgres();
				yield new Brokers(kafkaBootstrap, local.rabbitHost(), local.rabbitPort(), local.rabbitUser(),
						local.rabbitPassword(), local.redisHost(), local.redisPort(), postgres.host(), postgres.port(),
						TestBrokers.DATABASE, postgres.username());
			}
		};
	}

}
