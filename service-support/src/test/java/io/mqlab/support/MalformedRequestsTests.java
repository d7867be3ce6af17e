package io.mqlab.support;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service support's advice against malformed requests on a real Tomcat: they are the
 * client's fault (4xx), never a 500.
 */
// The messaging library is on this module's test classpath (for the metrics agent's
// tests); this web-only application has no broker and no database.
@SpringBootTest(classes = MalformedRequestsTests.FuzzedApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.autoconfigure.exclude=io.mqlab.messaging.autoconfigure.MessagingAutoConfiguration,"
				+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
				+ "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration")
class MalformedRequestsTests {

	@LocalServerPort
	int port;

	@Test
	void malformedPercentEncodingInAQueryParameterIsABadRequest() throws IOException {
		for (String target : List.of("/things/a?limit=%2", "/things/a?limit=%E0%A4%A", "/things/a?%F0%9=1")) {
			assertThat(new MalformedRequests.Request("GET", target, null, null).send(this.port)).as(target)
				.isEqualTo(400);
		}
	}

	@Test
	void noMalformedRequestGetsAServerError() throws IOException {
		List<MalformedRequests.Answer> answers = MalformedRequests.send(this.port,
				List.of(MalformedRequests.Endpoint.get("/things/{name}", Map.of("name", "a"), Map.of("limit", "5")),
						MalformedRequests.Endpoint.post("/things", Map.of(),
								Map.of("name", "\"a\"", "count", "3", "tags", "[\"x\"]"))));
		assertThat(answers).hasSizeGreaterThan(100);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
		assertThat(answers).filteredOn((answer) -> answer.status() >= 400).hasSizeGreaterThan(answers.size() / 2);
	}

	@SpringBootApplication
	static class FuzzedApplication {

		@RestController
		static class Things {

			@GetMapping("/things/{name}")
			Map<String, Object> get(@PathVariable @Pattern(regexp = "[a-z]{1,8}") String name,
					@RequestParam(defaultValue = "10") @Min(1) @Max(100) int limit) {
				return Map.of("name", name, "limit", limit);
			}

			@PostMapping("/things")
			Thing post(@Valid @RequestBody Thing thing) {
				return thing;
			}

		}

		record Thing(@NotNull @Pattern(regexp = "[a-z]{1,8}") String name, @Min(0) int count, List<String> tags) {

		}

	}

}
