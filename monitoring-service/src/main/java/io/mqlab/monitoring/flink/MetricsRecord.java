package io.mqlab.monitoring.flink;

/**
 * A record of the {@code metrics} topic as the job passes it on: the messaging library's
 * Kafka format (key = the instance, value = the JSON payload, the envelope's fields in
 * headers). The headers go with it so that one that cannot be read reaches the dead
 * letters as it came. A Flink POJO: public fields, no-argument constructor.
 */
public class MetricsRecord {

	/** The instance (the record key), or {@code ""}. */
	public String key = "";

	/** The payload text, {@code "null"} for a tombstone. */
	public String value = "null";

	/** Header names and values, alternating. */
	public String[] headers = new String[0];

	/** Where it was read (for the dead letter's message). */
	public String position = "";

	/** Why it could not be processed (set on dead letters only). */
	public String error;

	/** The exception class (set on dead letters only). */
	public String errorClass;

	public MetricsRecord() {
	}

}
