package io.mqlab.support;

import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Where a request starts a trace: its W3C {@code traceparent} (the caller's trace, or a
 * new one) goes into the MDC for the request's log lines ({@code traceId},
 * {@code spanId}) and for the messages it publishes (the messaging library carries the
 * MDC's {@code traceparent} on), and back in the response, so a client can look its
 * request up in the logs. The MDC keys are those of
 * {@code io.mqlab.messaging.TraceContext}.
 */
class TraceparentFilter extends OncePerRequestFilter {

	static final String HEADER = "traceparent";

	private static final Pattern VALID = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");

	private static final Pattern ZEROS = Pattern.compile("0+");

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String incoming = request.getHeader(HEADER);
		var matcher = (incoming != null) ? VALID.matcher(incoming) : null;
		String traceId = (matcher != null && matcher.matches() && !ZEROS.matcher(matcher.group(1)).matches())
				? matcher.group(1) : hex() + hex();
		String spanId = hex();
		String traceparent = "00-" + traceId + "-" + spanId + "-01";
		MDC.put("traceparent", traceparent);
		MDC.put("traceId", traceId);
		MDC.put("spanId", spanId);
		response.setHeader(HEADER, traceparent);
		try {
			chain.doFilter(request, response);
		}
		finally {
			MDC.remove("traceparent");
			MDC.remove("traceId");
			MDC.remove("spanId");
		}
	}

	private static String hex() {
		return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
	}

}
