package io.mqlab.monitoring.flink;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.mqlab.monitoring.metrics.MetricsProcessor;

/**
 * The service's own processing step for a job in the service's local mini-cluster (same
 * JVM, same classes): its Redis connections, meters and rule cache are shared with the
 * API, as with the messaging engine. Registered under a key the job carries.
 */
final class InServiceProcessors implements ProcessorSource {

	private static final long serialVersionUID = 1L;

	private static final Map<String, MetricsProcessor> REGISTERED = new ConcurrentHashMap<>();

	private final String key;

	private InServiceProcessors(String key) {
		this.key = key;
	}

	static InServiceProcessors register(MetricsProcessor processor) {
		String key = UUID.randomUUID().toString();
		REGISTERED.put(key, processor);
		return new InServiceProcessors(key);
	}

	void unregister() {
		REGISTERED.remove(this.key);
	}

	@Override
	public Opened open() {
		MetricsProcessor processor = REGISTERED.get(this.key);
		if (processor == null) {
			throw new IllegalStateException("No processing step registered in this JVM under " + this.key
					+ ": an in-service job runs in the service's own mini-cluster only");
		}
		return new Opened() {

			@Override
			public MetricsProcessor processor() {
				return processor;
			}

			@Override
			public void close() {
				// the service owns it
			}

		};
	}

}
