package io.mqlab.messaging.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.BacklogSample;
import io.mqlab.messaging.BatchMessageHandler;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.MessageHandler;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.RetrySettings;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.SubscriptionSpec;
import io.mqlab.messaging.idempotency.IdempotentConsumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the application's {@link MessageListener} methods. Once every singleton exists it
 * checks them (one listener per topic and group, the capabilities they need) and creates
 * their groups, so messages published from then on are kept for them; it subscribes them
 * before the web server starts and stops them after the web server stopped, so requests
 * in flight at shutdown still have their consumers, and each subscription lets its
 * in-flight handlers finish before it stops.
 */
public final class MessageListenerRegistry implements SmartLifecycle, SmartInitializingSingleton {

	/**
	 * Below the web server's start/stop phase ({@code DEFAULT_PHASE - 2048}): listeners
	 * start before it and stop after it. Beans that listeners use while stopping (a
	 * publisher, files they write) stop at a lower phase still.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

	private static final Log logger = LogFactory.getLog(MessageListenerRegistry.class);

	private final Messaging messaging;

	private final MessageListenerPostProcessor methods;

	private final ObjectProvider<IdempotentConsumer> idempotentConsumer;

	private final List<Listener> listeners = new ArrayList<>();

	private boolean running;

	public MessageListenerRegistry(Messaging messaging, MessageListenerPostProcessor methods,
			ObjectProvider<IdempotentConsumer> idempotentConsumer) {
		this.messaging = messaging;
		this.methods = methods;
		this.idempotentConsumer = idempotentConsumer;
	}

	/** Checks every listener, then creates the groups; a misuse fails start-up here. */
	@Override
	public synchronized void afterSingletonsInstantiated() {
		Map<String, String> byTopicAndGroup = new HashMap<>();
		for (ListenerMethod method : this.methods.found()) {
			String previous = byTopicAndGroup.putIfAbsent(method.topic() + "\u0000" + method.group(), method.id());
			if (previous != null) {
				throw new IllegalStateException("@MessageListener " + method.id() + " and " + previous
						+ " both consume topic '" + method.topic() + "' in group '" + method.group()
						+ "': a service has one listener per topic and group (merge them, or give one its own group)");
			}
			for (Capability capability : method.requires()) {
				if (!this.messaging.capabilities().supports(capability)) {
					throw new IllegalStateException("@MessageListener " + method.id() + " needs " + capability
							+ ", which the " + this.messaging.backend().id()
							+ " backend does not offer: choose another backend (mqlab.messaging.backend)");
				}
			}
			if (method.batches()) {
				if (method.idempotent()) {
					throw new IllegalStateException("@MessageListener " + method.id()
							+ " has a batch and is idempotent, which the idempotent consumer does not support: drop one of them");
				}
				int maxBatch = parse(method, "batch", method.batch(), Integer::parseInt);
				if (maxBatch < 1) {
					throw new IllegalStateException(
							"@MessageListener " + method.id() + ": batch must be at least 1, was " + maxBatch);
				}
				this.listeners
					.add(new Listener(method, spec(method), retry(method), null, method.batchHandler(), maxBatch));
			}
			else {
				this.listeners.add(new Listener(method, spec(method), retry(method), handler(method), null, 1));
			}
		}
		for (Listener listener : this.listeners) {
			this.messaging.provision(listener.spec.topic(), listener.spec.group());
			this.messaging.metrics()
				.listenerState(listener.spec.topic(), listener.spec.group(), () -> running(listener) ? 1 : 0);
		}
		if (!this.listeners.isEmpty()) {
			logger.info("Provisioned " + this.listeners.size() + " message listener(s) on "
					+ this.messaging.backend().id() + ": " + describe());
		}
	}

	@Override
	public synchronized void start() {
		try {
			for (Listener listener : this.listeners) {
				listener.subscription = (listener.batchHandler != null)
						? this.messaging.subscribeBatch(listener.spec, listener.maxBatch, payloadType(listener.method),
								listener.retry, listener.batchHandler)
						: this.messaging.subscribe(listener.spec, payloadType(listener.method), listener.retry,
								listener.handler);
			}
		}
		catch (RuntimeException ex) {
			stopAll();
			throw ex;
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		stopAll();
	}

	private void stopAll() {
		for (Listener listener : this.listeners) {
			Subscription subscription = listener.subscription;
			listener.subscription = null;
			if (subscription != null) {
				try {
					subscription.stop();
				}
				catch (RuntimeException ex) {
					logger.warn("Stopping " + listener.method.id() + " failed", ex);
				}
			}
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** Every listener as it is now, for health and the operators. */
	public synchronized List<ListenerState> listeners() {
		List<ListenerState> states = new ArrayList<>();
		for (Listener listener : this.listeners) {
			BacklogSample backlog = this.messaging.metrics().backlog(listener.spec.topic(), listener.spec.group());
			states.add(new ListenerState(listener.method.id(), listener.spec.topic(), listener.spec.group(),
					listener.spec.concurrency(), running(listener), backlog));
		}
		return states;
	}

	@SuppressWarnings("unchecked")
	private static Class<Object> payloadType(ListenerMethod method) {
		return (Class<Object>) method.payloadType();
	}

	private static boolean running(Listener listener) {
		Subscription subscription = listener.subscription;
		return subscription != null && subscription.isRunning();
	}

	private String describe() {
		return this.listeners.stream()
			.map((l) -> l.spec.topic() + "/" + l.spec.group() + " -> " + l.method.id())
			.toList()
			.toString();
	}

	private SubscriptionSpec spec(ListenerMethod method) {
		int concurrency = method.concurrency().isEmpty() ? this.messaging.settings().concurrency()
				: parse(method, "concurrency", method.concurrency(), Integer::parseInt);
		try {
			return new SubscriptionSpec(method.topic(), method.group(), concurrency);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@MessageListener " + method.id() + ": " + ex.getMessage(), ex);
		}
	}

	private RetrySettings retry(ListenerMethod method) {
		RetrySettings defaults = this.messaging.settings().retry();
		try {
			return new RetrySettings(
					method.maxAttempts().isEmpty() ? defaults.maxAttempts()
							: parse(method, "maxAttempts", method.maxAttempts(), Integer::parseInt),
					duration(method, "initialDelay", method.initialDelay(), defaults.initialDelay()),
					method.multiplier().isEmpty() ? defaults.multiplier()
							: parse(method, "multiplier", method.multiplier(), Double::parseDouble),
					duration(method, "maxDelay", method.maxDelay(), defaults.maxDelay()));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@MessageListener " + method.id() + ": " + ex.getMessage(), ex);
		}
	}

	private static Duration duration(ListenerMethod method, String attribute, String value, Duration fallback) {
		return value.isEmpty() ? fallback : parse(method, attribute, value, DurationStyle::detectAndParse);
	}

	private static <T> T parse(ListenerMethod method, String attribute, String value,
			java.util.function.Function<String, T> parser) {
		try {
			return parser.apply(value);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException(
					"@MessageListener " + method.id() + ": " + attribute + " '" + value + "' is not valid", ex);
		}
	}

	private MessageHandler<Object> handler(ListenerMethod method) {
		MessageHandler<Object> handler = method.handler();
		if (!method.idempotent()) {
			return handler;
		}
		IdempotentConsumer idempotent = this.idempotentConsumer.getIfAvailable();
		if (idempotent == null) {
			throw new IllegalStateException("@MessageListener " + method.id()
					+ " is idempotent, which needs a DataSource and a transaction manager for the idempotent consumer: add spring-boot-starter-jdbc and a datasource, or set idempotent = false");
		}
		return idempotent.wrap(handler);
	}

	/** A listener and, while it runs, its subscription. */
	private static final class Listener {

		final ListenerMethod method;

		final SubscriptionSpec spec;

		final RetrySettings retry;

		final MessageHandler<Object> handler;

		final BatchMessageHandler<Object> batchHandler;

		final int maxBatch;

		volatile Subscription subscription;

		Listener(ListenerMethod method, SubscriptionSpec spec, RetrySettings retry, MessageHandler<Object> handler,
				BatchMessageHandler<Object> batchHandler, int maxBatch) {
			this.method = method;
			this.spec = spec;
			this.retry = retry;
			this.handler = handler;
			this.batchHandler = batchHandler;
			this.maxBatch = maxBatch;
		}

	}

}
