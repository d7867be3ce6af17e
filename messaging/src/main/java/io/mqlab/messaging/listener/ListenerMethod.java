package io.mqlab.messaging.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Set;

import io.mqlab.messaging.BatchMessageHandler;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.MessageHandler;

import org.springframework.util.ReflectionUtils;

/**
 * One {@link MessageListener} method with its attributes resolved (placeholders replaced;
 * an empty string means the library's default).
 *
 * @param id the bean class and method, for messages and health
 * @param bean the bean to call (its proxy, so its transactions apply)
 * @param method the method, as the proxy exposes it
 * @param payloadType what the payload is read into (of each element, for a batch)
 * @param withContext whether the method also takes the message context (the contexts, for
 * a batch)
 * @param topic the topic
 * @param group the group
 * @param concurrency handlers at once, or empty
 * @param maxAttempts retry override, or empty
 * @param initialDelay retry override, or empty
 * @param multiplier retry override, or empty
 * @param maxDelay retry override, or empty
 * @param batch the most messages at once (then the method takes lists), or empty
 * @param idempotent whether to wrap it in the idempotent consumer
 * @param requires the capabilities it needs
 */
record ListenerMethod(String id, Object bean, Method method, Class<?> payloadType, boolean withContext, String topic,
		String group, String concurrency, String maxAttempts, String initialDelay, String multiplier, String maxDelay,
		String batch, boolean idempotent, Set<Capability> requires) {

	boolean batches() {
		return !this.batch.isEmpty();
	}

	/** Calls the method; what it throws reaches the dispatcher as thrown. */
	MessageHandler<Object> handler() {
		ReflectionUtils.makeAccessible(this.method);
		return (payload, context) -> {
			try {
				if (this.withContext) {
					this.method.invoke(this.bean, payload, context);
				}
				else {
					this.method.invoke(this.bean, payload);
				}
			}
			catch (InvocationTargetException ex) {
				throw unwrap(ex);
			}
		};
	}

	/** Calls the method with lists; what it throws reaches the dispatcher as thrown. */
	BatchMessageHandler<Object> batchHandler() {
		ReflectionUtils.makeAccessible(this.method);
		return (payloads, contexts) -> {
			try {
				if (this.withContext) {
					this.method.invoke(this.bean, payloads, contexts);
				}
				else {
					this.method.invoke(this.bean, payloads);
				}
			}
			catch (InvocationTargetException ex) {
				throw unwrap(ex);
			}
		};
	}

	private static Exception unwrap(InvocationTargetException ex) {
		Throwable cause = ex.getCause();
		if (cause instanceof Exception exception) {
			return exception;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return ex;
	}

}
