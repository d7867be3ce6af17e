package io.mqlab.cdc;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Reads Debezium's streaming metrics (its MBean in this JVM) every 100 ms while a phase
 * runs: how many changes wait in the queue between the decoder and the capture's publish,
 * and how far behind the source commit the decoder is. A full queue means the publish is
 * what holds the capture back, an empty one the decoder (or what feeds it).
 */
final class DebeziumQueueSampler implements AutoCloseable {

	private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

	private final ObjectName streaming;

	private final List<long[]> samples = new ArrayList<>();

	private final ScheduledExecutorService sampler = Executors
		.newSingleThreadScheduledExecutor((task) -> new Thread(task, "queue-sampler"));

	DebeziumQueueSampler(String topicPrefix) throws JMException {
		this.streaming = new ObjectName(
				"debezium.postgres:type=connector-metrics,context=streaming,server=" + topicPrefix);
		this.sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
	}

	private void sample() {
		try {
			int total = (Integer) this.server.getAttribute(this.streaming, "QueueTotalCapacity");
			int remaining = (Integer) this.server.getAttribute(this.streaming, "QueueRemainingCapacity");
			long behind = (Long) this.server.getAttribute(this.streaming, "MilliSecondsBehindSource");
			synchronized (this.samples) {
				this.samples.add(new long[] { total - remaining, behind });
			}
		}
		catch (JMException ex) {
			// not registered yet, or gone with the engine: no sample
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.sampler.shutdownNow();
		this.sampler.awaitTermination(1, TimeUnit.SECONDS);
	}

	/**
	 * Mean and maximum of the queued changes and of the decoder's ms behind the source.
	 */
	String summary() {
		synchronized (this.samples) {
			if (this.samples.isEmpty()) {
				return "no samples (Debezium's streaming MBean was not found)";
			}
			long queuedSum = 0;
			long queuedMax = 0;
			long behindSum = 0;
			long behindMax = 0;
			for (long[] sample : this.samples) {
				queuedSum += sample[0];
				queuedMax = Math.max(queuedMax, sample[0]);
				behindSum += sample[1];
				behindMax = Math.max(behindMax, sample[1]);
			}
			int n = this.samples.size();
			return String.format(
					"queued before the publish: mean %d, max %d changes; decoder behind the source"
							+ " commit: mean %d ms, max %d ms (%d samples)",
					queuedSum / n, queuedMax, behindSum / n, behindMax, n);
		}
	}

}
