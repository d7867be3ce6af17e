package io.mqlab.messaging;

import java.util.regex.Pattern;

import org.slf4j.MDC;

/**
 * The W3C trace context of the work on this thread, in the logging MDC: {@code traceId}
 * and {@code spanId} for the log lines (structured logging writes them into every line),
 * and the whole {@code traceparent}, which a message published from this thread carries
 * on. The dispatcher sets it from a message's envelope while its handler runs; a web
 * filter can set it from the request that starts a trace.
 */
public final class TraceContext {

	public static final String TRACE_ID = "traceId";

	public static final String SPAN_ID = "spanId";

	public static final String TRACEPARENT = "traceparent";

	private static final Pattern VALID = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

	private TraceContext() {
	}

	/** The traceparent set on this thread, or {@code null}. */
	public static String current() {
		return MDC.get(TRACEPARENT);
	}

	/**
	 * Puts a traceparent's ids into the MDC until the returned scope is closed, which
	 * puts back what was there before. An invalid or missing one changes nothing.
	 */
	public static Scope open(String traceparent) {
		String previous = MDC.get(TRACEPARENT);
		if (traceparent == null || !VALID.matcher(traceparent).matches()) {
			return () -> {
			};
		}
		set(traceparent);
		return () -> {
			if (previous != null) {
				set(previous);
			}
			else {
				MDC.remove(TRACEPARENT);
				MDC.remove(TRACE_ID);
				MDC.remove(SPAN_ID);
			}
		};
	}

	private static void set(String traceparent) {
		MDC.put(TRACEPARENT, traceparent);
		MDC.put(TRACE_ID, traceparent.substring(3, 35));
		MDC.put(SPAN_ID, traceparent.substring(36, 52));
	}

	/** Closes without checked exceptions. */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
