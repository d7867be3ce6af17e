package io.mqlab.support;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request's log lines carry its trace: the caller's when it sent a valid
 * {@code traceparent}, a new one otherwise; and only while the request runs.
 */
class TraceparentFilterTests {

	private final TraceparentFilter filter = new TraceparentFilter();

	@Test
	void continuesTheCallersTrace() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/orders");
		request.addHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
		MockHttpServletResponse response = new MockHttpServletResponse();
		List<String> seen = new ArrayList<>();
		this.filter.doFilter(request, response, (req, res) -> {
			seen.add(MDC.get("traceId"));
			seen.add(MDC.get("spanId"));
			seen.add(MDC.get("traceparent"));
		});
		assertThat(seen.get(0)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
		assertThat(seen.get(1)).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
		assertThat(seen.get(2)).isEqualTo("00-" + seen.get(0) + "-" + seen.get(1) + "-01")
			.isEqualTo(response.getHeader("traceparent"));
		assertThat(MDC.get("traceId")).isNull();
		assertThat(MDC.get("traceparent")).isNull();
	}

	@Test
	void startsATraceWhenThereIsNoneOrItIsInvalid() throws Exception {
		for (String header : new String[] { null, "nonsense", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
				"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01\nFORGED" }) {
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/");
			if (header != null) {
				request.addHeader("traceparent", header);
			}
			List<String> seen = new ArrayList<>();
			this.filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> seen.add(MDC.get("traceId")));
			assertThat(seen.get(0)).as(String.valueOf(header)).matches("[0-9a-f]{32}").doesNotMatch("0+");
		}
	}

}
