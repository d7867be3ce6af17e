package io.mqlab.messaging.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.mqlab.messaging.Capability;

/**
 * Marks a bean method as the handler of a topic in a consumer group. The library
 * subscribes it once the context is refreshed, before the web server takes requests, and
 * stops it after the web server stopped, letting in-flight messages finish.
 * <p>
 * The method takes the payload, typed as the first parameter, and optionally a
 * {@link io.mqlab.messaging.MessageContext}: {@code void on(OrderPlaced event)} or
 * {@code void on(OrderPlaced event, MessageContext context)}. Returning normally
 * acknowledges the message; throwing retries it and then dead-letters it.
 * <p>
 * <p>
 * With {@link #batch()}, the method takes the payloads as a list, and optionally their
 * contexts: {@code void on(List<ProductChanged> changes)} or
 * {@code void on(List<ProductChanged> changes, List<MessageContext> contexts)}. It gets
 * up to that many messages that are already in hand, of the partitions one read brought
 * (each partition's in order) or of distinct keys, without waiting for more. Returning
 * acknowledges them all; throwing hands them to the method again one at a time (lists of
 * one), each retried and dead-lettered on its own. A backend without
 * {@link Capability#BATCHES} hands lists of one.
 * <p>
 * String attributes accept property placeholders ({@code ${...}}); empty ones take the
 * library's defaults under {@code mqlab.messaging}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MessageListener {

	/** The topic to consume. */
	String topic();

	/** The consumer group: each message is handled once per group. */
	String group();

	/**
	 * Messages of different keys this process handles at once; empty for
	 * {@code mqlab.messaging.concurrency}.
	 */
	String concurrency() default "";

	/**
	 * Runs the method in a transaction that records the message id, so a redelivery has
	 * no second effect (needs a DataSource: the idempotent consumer).
	 */
	boolean idempotent() default false;

	/**
	 * Handler runs before the message is dead-lettered; empty for
	 * {@code mqlab.messaging.retry.max-attempts}.
	 */
	String maxAttempts() default "";

	/** The first backoff, e.g. {@code 200ms}; empty for the library's. */
	String initialDelay() default "";

	/** How much each backoff grows; empty for the library's. */
	String multiplier() default "";

	/** The longest backoff, e.g. {@code 5s}; empty for the library's. */
	String maxDelay() default "";

	/**
	 * The most messages handed to the method at once, which then takes a {@code List} of
	 * payloads; empty for one message at a time.
	 */
	String batch() default "";

	/**
	 * What the backend must be able to do for this listener to work: start-up fails
	 * naming the backend and the capability otherwise.
	 */
	Capability[] requires() default {};

}
