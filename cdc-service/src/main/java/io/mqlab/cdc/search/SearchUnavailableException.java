package io.mqlab.cdc.search;

/** OpenSearch cannot be reached or failed: the caller retries (a sink) or answers 503. */
public class SearchUnavailableException extends RuntimeException {

	SearchUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
