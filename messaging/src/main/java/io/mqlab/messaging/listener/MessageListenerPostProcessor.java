package io.mqlab.messaging.listener;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.mqlab.messaging.Capability;
import io.mqlab.messaging.MessageContext;
import tools.jackson.databind.JsonNode;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * Finds {@link MessageListener} methods on beans as they are created, checks their
 * signatures and resolves their attributes; the {@link MessageListenerRegistry} runs
 * them.
 */
public final class MessageListenerPostProcessor implements BeanPostProcessor, BeanFactoryAware {

	private final List<ListenerMethod> found = new ArrayList<>();

	private final Set<Class<?>> withoutListeners = ConcurrentHashMap.newKeySet();

	private ConfigurableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ConfigurableBeanFactory configurable) ? configurable : null;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> type = AopUtils.getTargetClass(bean);
		if (this.withoutListeners.contains(type) || !AnnotationUtils.isCandidateClass(type, MessageListener.class)) {
			return bean;
		}
		Map<Method, MessageListener> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<MessageListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, MessageListener.class));
		if (methods.isEmpty()) {
			this.withoutListeners.add(type);
			return bean;
		}
		methods.forEach((method, annotation) -> {
			synchronized (this.found) {
				this.found.add(listener(bean, type, method, annotation));
			}
		});
		return bean;
	}

	/** The listeners of every bean created so far. */
	List<ListenerMethod> found() {
		synchronized (this.found) {
			return List.copyOf(this.found);
		}
	}

	private ListenerMethod listener(Object bean, Class<?> type, Method method, MessageListener annotation) {
		String id = ClassUtils.getShortName(type) + "." + method.getName();
		String batch = resolve(annotation.batch());
		Class<?>[] parameters = method.getParameterTypes();
		Class<?> payloadType;
		if (batch.isEmpty()) {
			if (parameters.length < 1 || parameters.length > 2
					|| (parameters.length == 2 && parameters[1] != MessageContext.class)) {
				throw new IllegalStateException("@MessageListener " + id
						+ " must take the payload and optionally a MessageContext, e.g. void on(OrderPlaced event, MessageContext context)");
			}
			payloadType = parameters[0];
		}
		else {
			payloadType = batchPayloadType(id, method);
		}
		if (!readable(payloadType)) {
			throw new IllegalStateException("@MessageListener " + id + " has an unknown payload type "
					+ payloadType.getName()
					+ ": the first parameter must be a concrete class JSON can be read into (a record of the event, or JsonNode)");
		}
		if (Modifier.isStatic(method.getModifiers())) {
			throw new IllegalStateException("@MessageListener " + id + " must not be static");
		}
		Set<Capability> requires = EnumSet.noneOf(Capability.class);
		requires.addAll(List.of(annotation.requires()));
		return new ListenerMethod(id, bean, AopUtils.selectInvocableMethod(method, bean.getClass()), payloadType,
				parameters.length == 2, required(id, "topic", resolve(annotation.topic())),
				required(id, "group", resolve(annotation.group())), resolve(annotation.concurrency()),
				resolve(annotation.maxAttempts()), resolve(annotation.initialDelay()), resolve(annotation.multiplier()),
				resolve(annotation.maxDelay()), batch, annotation.idempotent(), Set.copyOf(requires));
	}

	/** The element type of a batch listener's {@code List} of payloads. */
	private static Class<?> batchPayloadType(String id, Method method) {
		Class<?>[] parameters = method.getParameterTypes();
		boolean shaped = parameters.length >= 1 && parameters.length <= 2 && parameters[0] == List.class
				&& (parameters.length == 1
						|| (parameters[1] == List.class && ResolvableType.forMethodParameter(method, 1)
							.getGeneric(0)
							.resolve() == MessageContext.class));
		Class<?> element = shaped ? ResolvableType.forMethodParameter(method, 0).getGeneric(0).resolve() : null;
		if (element == null) {
			throw new IllegalStateException("@MessageListener " + id
					+ " has a batch, so it must take a List of payloads and optionally a List<MessageContext>, e.g. void on(List<OrderPlaced> events, List<MessageContext> contexts)");
		}
		return element;
	}

	private static boolean readable(Class<?> type) {
		if (JsonNode.class.isAssignableFrom(type)) {
			return true;
		}
		return !type.isPrimitive() && !type.isArray() && type != Object.class && !type.isInterface()
				&& !Modifier.isAbstract(type.getModifiers()) && type != MessageContext.class;
	}

	private static String required(String id, String attribute, String value) {
		if (value.isBlank()) {
			throw new IllegalStateException("@MessageListener " + id + " has an empty " + attribute);
		}
		return value;
	}

	/** Replaces placeholders and evaluates #{...} expressions, as @KafkaListener does. */
	private String resolve(String value) {
		if (this.beanFactory == null || value.isEmpty()) {
			return value;
		}
		String resolved = this.beanFactory.resolveEmbeddedValue(value);
		if (resolved != null && this.beanFactory.getBeanExpressionResolver() != null) {
			Object evaluated = this.beanFactory.getBeanExpressionResolver()
				.evaluate(resolved, new BeanExpressionContext(this.beanFactory, null));
			resolved = (evaluated != null) ? evaluated.toString() : null;
		}
		return (resolved != null) ? resolved.trim() : "";
	}

}
