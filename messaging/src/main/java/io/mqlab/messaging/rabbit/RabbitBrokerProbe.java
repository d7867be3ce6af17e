package io.mqlab.messaging.rabbit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mqlab.messaging.BrokerProbe;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Asks RabbitMQ something that needs an answer (a passive declare of a built-in exchange)
 * over the shared connection, and gives up after a few seconds however long the client
 * would wait.
 */
final class RabbitBrokerProbe implements BrokerProbe {

	private static final Duration TIMEOUT = Duration.ofSeconds(3);

	private final RabbitTemplate template;

	private final String location;

	private final ExecutorService checks;

	RabbitBrokerProbe(RabbitTemplate template, String location) {
		this.template = template;
		this.location = location;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("mqlab-rabbit-probe-");
		threads.setDaemon(true);
		this.checks = Executors.newCachedThreadPool(threads);
	}

	@Override
	public String location() {
		return this.location;
	}

	@Override
	public String hint() {
		return "start RabbitMQ (rabbitmq-server -detached) or set spring.rabbitmq.host/port "
				+ "(or spring.rabbitmq.addresses) and spring.rabbitmq.username/password";
	}

	@Override
	public void check() throws Exception {
		CompletableFuture<Void> answer = CompletableFuture.runAsync(
				() -> this.template.execute((channel) -> channel.exchangeDeclarePassive("amq.direct")), this.checks);
		try {
			answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		catch (TimeoutException ex) {
			answer.cancel(true);
			throw new TimeoutException("RabbitMQ at " + this.location + " did not answer within " + TIMEOUT);
		}
	}

}
