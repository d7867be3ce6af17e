package io.mqlab.monitoring.flink;

import io.mqlab.monitoring.metrics.MetricsProcessor;
import io.mqlab.monitoring.metrics.MetricsSampled;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job's operator, keyed by instance (one instance's batches in order, as with the
 * messaging engine): reads each batch and runs the shared processing step on it. A batch
 * that cannot be read or placed is emitted as a dead letter; any other failure (Redis
 * unreachable) fails the task, and Flink restarts it from the last checkpoint: the replay
 * is harmless, the step applies each batch once.
 */
class SampleBatchFunction extends KeyedProcessFunction<String, MetricsRecord, MetricsRecord> {

	private static final long serialVersionUID = 1L;

	private final ProcessorSource processors;

	private transient ProcessorSource.Opened opened;

	private transient JsonMapper json;

	private transient Counter deadLetters;

	SampleBatchFunction(ProcessorSource processors) {
		this.processors = processors;
	}

	@Override
	public void open(OpenContext context) {
		this.opened = this.processors.open();
		// read tolerantly, as the messaging library reads messages
		this.json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
		this.deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
	}

	@Override
	public void processElement(MetricsRecord record, Context context, Collector<MetricsRecord> out) {
		MetricsSampled batch;
		try {
			batch = MetricsProcessor.check(this.json.readValue(record.value, MetricsSampled.class));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			record.error = ex.getMessage();
			record.errorClass = ex.getClass().getName();
			this.deadLetters.inc();
			out.collect(record);
			return;
		}
		this.opened.processor().process(batch);
	}

	@Override
	public void close() {
		if (this.opened != null) {
			this.opened.close();
		}
	}

}
