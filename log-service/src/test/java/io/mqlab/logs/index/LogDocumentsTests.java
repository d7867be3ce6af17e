package io.mqlab.logs.index;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.mqlab.logs.LinesShipped;
import io.mqlab.logs.LinesShipped.Line;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What is indexed for a line: the fields of Spring Boot's ECS JSON lines (nested, with
 * the MDC's trace ids), and a plain line as a message with a guessed level, never
 * dropped.
 */
class LogDocumentsTests {

	private final LogDocuments documents = new LogDocuments(JsonMapper.shared());

	private final Instant readAt = Instant.parse("2026-12-04T12:00:00Z");

	@Test
	void readsSpringBootsEcsLines() {
		String ecs = "{\"@timestamp\":\"2026-12-04T11:59:58.123456Z\",\"log\":{\"level\":\"INFO\",\"logger\":"
				+ "\"io.mqlab.order.order.OrderPlacement\"},\"process\":{\"pid\":4242,\"thread\":{\"name\":\"http-nio-8081-exec-1\"}},"
				+ "\"service\":{\"name\":\"order-service\"},\"message\":\"Placed order 74a6: total 31.68 EUR\","
				+ "\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanId\":\"00f067aa0ba902b7\","
				+ "\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\",\"ecs\":{\"version\":\"8.11\"}}";
		Map<String, Object> document = document(".mqlab/logs/order-service.log", ecs);
		assertThat(document).containsEntry("@timestamp", "2026-12-04T11:59:58.123456Z")
			.containsEntry("service", "order-service")
			.containsEntry("level", "INFO")
			.containsEntry("logger", "io.mqlab.order.order.OrderPlacement")
			.containsEntry("thread", "http-nio-8081-exec-1")
			.containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
			.containsEntry("spanId", "00f067aa0ba902b7")
			.containsEntry("message", "Placed order 74a6: total 31.68 EUR")
			.containsEntry("json", true)
			.containsEntry("raw", ecs);
	}

	@Test
	void keepsAnErrorsStackTraceAndFlatNames() {
		String line = "{\"timestamp\":\"2026-12-04T11:00:00+01:00\",\"level\":\"warning\",\"logger_name\":\"x\","
				+ "\"message\":\"failed\",\"error\":{\"type\":\"java.io.IOException\",\"message\":\"gone\","
				+ "\"stack_trace\":\"java.io.IOException: gone\\n\\tat x.y(Z.java:1)\"}}";
		Map<String, Object> document = document("/var/log/mqlab/cdc-service.log.1", line);
		assertThat(document).containsEntry("@timestamp", "2026-12-04T10:00:00Z")
			.containsEntry("level", "WARN")
			.containsEntry("service", "cdc-service")
			.containsEntry("logger", "x");
		assertThat((String) document.get("error")).contains("java.io.IOException").contains("\tat x.y(Z.java:1)");
	}

	@Test
	void shipsWhatIsNotJsonAsAPlainMessage() {
		String crash = "# A fatal error has been detected by the Java Runtime Environment: SIGSEGV";
		Map<String, Object> document = document(".mqlab/logs/kafka.log", crash);
		assertThat(document).containsEntry("message", crash)
			.containsEntry("service", "kafka")
			.containsEntry("@timestamp", this.readAt.toString())
			.containsEntry("json", false)
			.doesNotContainKey("level");
		assertThat(document(".mqlab/logs/x.log", "2026-12-04 10:00:00,123+00:00 ERROR [main] boom"))
			.containsEntry("level", "ERROR")
			.containsEntry("@timestamp", "2026-12-04T10:00:00.123Z");
		assertThat(document(".mqlab/logs/x.log", "{not json at all")).containsEntry("message", "{not json at all")
			.containsEntry("json", false);
	}

	@Test
	void theSameEventAlwaysGetsTheSameId() {
		Line line = new Line("a.log", "(dev=1,ino=2)@1", 4096, "x");
		assertThat(LogDocuments.id("h1", line))
			.isEqualTo(LogDocuments.id("h1", new Line("a.log", "(dev=1,ino=2)@1", 4096, "y")))
			.isNotEqualTo(LogDocuments.id("h1", new Line("a.log", "(dev=1,ino=2)@1", 4097, "x")))
			.isNotEqualTo(LogDocuments.id("h2", line))
			.isNotEqualTo(LogDocuments.id("h1", new Line("a.log", "(dev=1,ino=2)@2", 4096, "x")));
	}

	private Map<String, Object> document(String file, String text) {
		LinesShipped batch = new LinesShipped("host", this.readAt, List.of(new Line(file, "k@1", 0, text)));
		return this.documents.document(batch, batch.lines().get(0), this.readAt);
	}

}
