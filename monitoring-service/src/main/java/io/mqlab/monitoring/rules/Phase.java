package io.mqlab.monitoring.rules;

/** An alert's state, as in Prometheus. */
public enum Phase {

	INACTIVE, PENDING, FIRING, RESOLVED;

	/** Whether a move into this phase is notified (pending and back is not). */
	public boolean notified() {
		return this == FIRING || this == RESOLVED;
	}

}
