package io.mqlab.monitoring.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One instance's sample batch as the agent publishes it to {@code metrics}, keyed by
 * instance (the contract: notes/metrics-contract.md). Fields this service does not read
 * are ignored, so the agent may add some.
 *
 * @param service the instance's service
 * @param instance the instance id, stable for the JVM's life
 * @param host its host name
 * @param pid its process id
 * @param at when the samples were taken (event time)
 * @param intervalSeconds the agent's interval
 * @param samples the samples
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MetricsSampled(String service, String instance, String host, Long pid, Instant at,
		Integer intervalSeconds, List<Sample> samples) {

	/**
	 * One series' value.
	 *
	 * @param name dotted series name
	 * @param value the value
	 * @param labels extra dimensions (service, instance and host apply to all)
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Sample(String name, Double value, Map<String, String> labels) {

	}

}
