package io.mqlab.monitoring.flink;

import java.io.Serializable;

import io.mqlab.monitoring.metrics.MetricsProcessor;

/**
 * Gives each parallel instance of the job's operator the processing step: travels with
 * the job (serialized), so it names where the step is rather than holding it.
 */
public interface ProcessorSource extends Serializable {

	/** The step, ready to process batches; {@link Opened#close()} releases it. */
	Opened open();

	/** An opened step. */
	interface Opened extends AutoCloseable {

		MetricsProcessor processor();

		@Override
		void close();

	}

}
