package io.mqlab.messaging;

/**
 * A batch stopped part way: the first {@link #handled()} deliveries were handled (or
 * dead-lettered) and may be acknowledged, the rest must not be. The cause is what
 * {@link Dispatcher#dispatch} threw for the first one that was not: an
 * {@link InterruptedException} when stopping, or the dead-letter store's failure.
 */
public final class BatchDispatchException extends Exception {

	private final int handled;

	BatchDispatchException(int handled, Exception cause) {
		super("Handled " + handled + " message(s) of a batch, then: " + cause, cause);
		this.handled = handled;
	}

	/** How many deliveries, from the first, may be acknowledged. */
	public int handled() {
		return this.handled;
	}

	/** Whether it stopped because the consumer is stopping. */
	public boolean interrupted() {
		return getCause() instanceof InterruptedException;
	}

}
