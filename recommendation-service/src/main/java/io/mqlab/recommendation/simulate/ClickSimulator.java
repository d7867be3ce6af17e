package io.mqlab.recommendation.simulate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

/**
 * {@code ./mqlab clicks [N]}: posts N simulated clicks (default 2000) to a running
 * recommendation service through {@code POST /clicks/batch}, then prints what the service
 * recommends. Options: {@code --url http://127.0.0.1:8084}, {@code --groups 8},
 * {@code --products 10}, {@code --users 300}, {@code --noise 0.1}, {@code --seed 1},
 * {@code --batch 200}.
 */
public final class ClickSimulator {

	private ClickSimulator() {
	}

	public static void main(String[] args) throws Exception {
		int clicks = 2000;
		String url = "http://127.0.0.1:8084";
		int groups = 8;
		int products = 10;
		int users = 300;
		double noise = 0.1;
		long seed = 1;
		int batch = 200;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (arg.matches("\\d+")) {
				clicks = Integer.parseInt(arg);
				continue;
			}
			if (i + 1 >= args.length) {
				throw usage("missing value for " + arg);
			}
			String value = args[++i];
			switch (arg) {
				case "--url" -> url = value;
				case "--groups" -> groups = Integer.parseInt(value);
				case "--products" -> products = Integer.parseInt(value);
				case "--users" -> users = Integer.parseInt(value);
				case "--noise" -> noise = Double.parseDouble(value);
				case "--seed" -> seed = Long.parseLong(value);
				case "--batch" -> batch = Integer.parseInt(value);
				default -> throw usage("unknown option " + arg);
			}
		}
		Shop shop = new Shop("SIM-", groups, products, users, noise);
		List<SimulatedClick> sessions = shop.sessions(clicks, seed, null, null);
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		long started = System.nanoTime();
		for (int from = 0; from < sessions.size(); from += batch) {
			List<SimulatedClick> part = sessions.subList(from, Math.min(sessions.size(), from + batch));
			String body = part.stream().map(SimulatedClick::json).collect(Collectors.joining(",", "[", "]"));
			HttpResponse<String> response = send(http, url, body);
			if (response.statusCode() != 202) {
				System.err.println("clicks: the service answered " + response.statusCode() + ": " + response.body());
				System.exit(1);
			}
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("clicks: posted %d clicks in %.1f s (%.0f clicks/s), %d hidden groups of %d products%n",
				sessions.size(), seconds, sessions.size() / seconds, groups, products);
		String user = sessions.get(0).userId();
		System.out.println("clicks: e.g. " + url + "/recommendations/" + user + "?limit=5 (" + user + " browsed "
				+ sessions.stream()
					.filter((c) -> c.userId().equals(user))
					.map(SimulatedClick::sku)
					.distinct()
					.limit(5)
					.toList()
				+ ")");
		System.out
			.println("clicks: and " + url + "/trending?window=5m, " + url + "/products/" + shop.sku(0, 0) + "/related");
	}

	private static HttpResponse<String> send(HttpClient http, String url, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/clicks/batch"))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		// A busy service (503) or a refused connection: twice more, 0.5 s then 1 s later.
		RetryTemplate retry = new RetryTemplate(RetryPolicy.builder()
			.maxRetries(2)
			.delay(Duration.ofMillis(500))
			.multiplier(2)
			.includes(IOException.class, ServiceBusy.class)
			.build());
		try {
			return retry.execute(() -> {
				HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 503) {
					throw new ServiceBusy(response.body());
				}
				return response;
			});
		}
		catch (RetryException ex) {
			throw new IllegalStateException("clicks: cannot post to " + url + " (is the service up? ./mqlab up)",
					ex.getLastException());
		}
	}

	/** The service answered 503: worth another try. */
	private static final class ServiceBusy extends RuntimeException {

		ServiceBusy(String body) {
			super("503: " + body);
		}

	}

	private static IllegalArgumentException usage(String problem) {
		return new IllegalArgumentException(problem
				+ "; usage: clicks [N] [--url URL] [--groups G] [--products P] [--users U] [--noise X] [--seed S] [--batch B]");
	}

}
