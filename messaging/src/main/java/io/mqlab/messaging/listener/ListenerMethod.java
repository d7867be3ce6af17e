package io.mqlab.messaging.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Set;

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
 * @param payloadType what the payload is read into
 * @param withContext whether the method also takes the message context
 * @param topic the topic
 * @param group the group
 * @param concurrency handlers at once, or empty
 * @param maxAttempts retry override, or empty
 * @param initialDelay retry override, or empty
 * @param multiplier retry override, or empty
 * @param maxDelay retry override, or empty
 * @param idempotent whether to wrap it in the idempotent consumer
 * @param requires the capabilities it needs
 */
record ListenerMethod(String id, Object bean, Method method, Class<?> payloadType, boolean withContext, String topic,
		String group, String concurrency, String maxAttempts, String initialDelay, String multiplier, String maxDelay,
		boolean idempotent, Set<Capability> requires) {

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
				Throwable cause = ex.getCause();
				if (cause instanceof Exception exception) {
					throw exception;
				}
				if (cause instanceof Error error) {
					throw error;
				}
				throw ex;
			}
		};
	}

}
