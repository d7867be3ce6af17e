package io.mqlab.support;

/**
 * A request body went over {@code mqlab.web.max-body-bytes}.
 */
public class BodyTooLargeException extends RuntimeException {

	private final long limit;

	public BodyTooLargeException(long limit) {
		super("Request body over " + limit + " bytes");
		this.limit = limit;
	}

	public long limit() {
		return this.limit;
	}

}
