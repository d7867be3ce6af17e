package io.mqlab.support.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One instance's metrics at one moment: what the agent publishes to topic {@code metrics}
 * (key: the instance id) once per interval, and what monitoring-service consumes.
 * <p>
 * The contract:
 * <ul>
 * <li>{@code service}, {@code instance}, {@code host} apply to every sample; the instance
 * id is {@code <service>-<host>-<pid>} (a suffix {@code -2}, {@code -3} when several
 * application contexts of one service share a JVM, as in tests), or
 * {@code mqlab.metrics.agent.instance}.</li>
 * <li>{@code at} is when the sample was taken (event time), an ISO-8601 instant. A batch
 * held back while the broker was unreachable is sent later with its own {@code at}.
 * Delivery is at least once: (instance, at) identifies a batch.</li>
 * <li>{@code intervalSeconds} is the agent's interval (fractional below a second); rates
 * are over the time since the previous sample, about one interval.</li>
 * <li>Every batch carries every series below (the agent takes a baseline before its first
 * batch), except those the platform cannot tell (a NaN value is left out, never sent) and
 * {@code consumer.backlog}, one per group consumed by the instance.</li>
 * </ul>
 * Series (name: unit):
 * <ul>
 * <li>{@code host.cpu.usage}: 0..1, the whole machine, over the interval</li>
 * <li>{@code host.memory.used}, {@code host.memory.total}: bytes (used = total -
 * available)</li>
 * <li>{@code host.swap.used}: bytes</li>
 * <li>{@code host.disk.used}, {@code host.disk.total}: bytes, over the local file
 * systems, each volume once</li>
 * <li>{@code host.disk.read.bytes}, {@code host.disk.write.bytes}: bytes per second over
 * the interval, all disks</li>
 * <li>{@code host.net.received.bytes}, {@code host.net.sent.bytes}: bytes per second over
 * the interval, all interfaces but loopback</li>
 * <li>{@code process.cpu.usage}: 0..1 of the whole machine (every core busy = 1), over
 * the interval</li>
 * <li>{@code process.rss}: bytes; {@code process.threads}, {@code process.open.fds}:
 * counts</li>
 * <li>{@code http.requests.rate}: requests per second; {@code http.errors.rate}: 5xx
 * responses per second; {@code http.latency.p99}: seconds, over the requests of the
 * interval (0 without any)</li>
 * <li>{@code messages.published.rate} (the agent's own batches excluded),
 * {@code messages.consumed.rate}: messages per second; {@code messages.failed.rate}:
 * failed handler attempts per second (retried or dead-lettered)</li>
 * <li>{@code consumer.backlog}: messages not yet handled, labels {@code topic} and
 * {@code group}, as the broker last reported</li>
 * <li>{@code metrics.agent.dropped}: batches this agent dropped since it started (buffer
 * full while the broker was unreachable)</li>
 * </ul>
 *
 * @param service the application name ({@code spring.application.name})
 * @param instance the instance id, also the message key
 * @param host the machine's host name
 * @param pid the JVM's process id
 * @param at when the sample was taken
 * @param intervalSeconds the agent's interval in seconds
 * @param samples the values
 */
public record MetricsSampled(String service, String instance, String host, long pid, Instant at, double intervalSeconds,
		List<Sample> samples) {

	public MetricsSampled {
		samples = List.copyOf(samples);
	}

	/**
	 * One value of one series.
	 *
	 * @param name the dotted series name, e.g. {@code host.cpu.usage}
	 * @param value the value, never NaN
	 * @param labels extra dimensions (e.g. topic and group), empty for most series
	 */
	public record Sample(String name, double value, Map<String, String> labels) {

		public Sample {
			labels = (labels != null) ? Map.copyOf(labels) : Map.of();
		}

		public static Sample of(String name, double value) {
			return new Sample(name, value, Map.of());
		}

	}

}
