package io.mqlab.iot;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.contract.TestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KafkaIotServiceTests extends IotServiceTests {

	KafkaIotServiceTests() {
		super(TestBroker.of("kafka"));
	}

	/**
	 * The devices' last states are kept by Kafka in a compacted topic: an instance that
	 * starts with a Redis that lost them (its consumers' offsets say they were handled)
	 * reads them back from the topic.
	 */
	@Test
	void theLastStatesLiveInACompactedTopicAndComeBackFromIt() throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
				context().getEnvironment().getRequiredProperty("spring.kafka.bootstrap-servers")))) {
			ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic("state"));
			Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
			assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
				.isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
		}
		List<TestDevice> fleet = IntStream.range(0, 5).mapToObj((i) -> device("c" + i).connect()).toList();
		for (long seq = 1; seq <= 4; seq++) {
			for (TestDevice device : fleet) {
				device.state(seq, "4.0." + seq);
			}
		}
		await().atMost(PATIENCE).until(() -> fleet.stream().allMatch((device) -> stateSeq(device) == 4));
		// Redis loses the devices while the instance is down
		restart(() -> fleet.forEach((device) -> TestBroker.deleteRedisKeys(this.run + ":device:" + device.id)));
		MeterRegistry meters = context().getBean(MeterRegistry.class);
		assertThat(meters.counter("mqlab.iot.state.rebuilt").count()).isEqualTo(fleet.size());
		for (TestDevice device : fleet) {
			assertThat(stateSeq(device)).isEqualTo(4);
			assertThat(api().get("/devices/" + device.id + "/state").body().get("firmware").asString())
				.isEqualTo("4.0.4");
		}
	}

}
