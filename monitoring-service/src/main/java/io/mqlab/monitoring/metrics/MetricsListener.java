package io.mqlab.monitoring.metrics;

import io.mqlab.messaging.listener.MessageListener;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The messaging engine (the default, on every backend): takes each sample batch from
 * {@code metrics} in this service's group. Every instance of the service joins the group
 * and takes a share of the instances. With {@code mqlab.monitoring.engine=flink} a Flink
 * job reads the topic instead and this listener does not run.
 */
@Component
@ConditionalOnProperty(name = "mqlab.monitoring.engine", havingValue = "messaging", matchIfMissing = true)
class MetricsListener {

	private final MetricsProcessor processor;

	MetricsListener(MetricsProcessor processor) {
		this.processor = processor;
	}

	@MessageListener(topic = "${mqlab.monitoring.metrics-topic:metrics}",
			group = "${mqlab.monitoring.group:monitoring}", concurrency = "${mqlab.monitoring.concurrency:4}")
	void onSamples(MetricsSampled batch) {
		this.processor.process(batch);
	}

}
