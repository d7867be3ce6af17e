package io.mqlab.messaging.autoconfigure;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import io.mqlab.messaging.Backend;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Keeps the client auto-configurations of the backends that were not chosen off, even
 * though their jars are on the classpath: only the chosen broker gets connection
 * factories, templates and a health check.
 */
public class BackendClientFilter implements AutoConfigurationImportFilter, EnvironmentAware {

	private static final Map<Backend, String> CLIENT_PACKAGES = Map.of(Backend.KAFKA,
			"org.springframework.boot.kafka.autoconfigure.", Backend.RABBITMQ,
			"org.springframework.boot.amqp.autoconfigure.", Backend.REDIS,
			"org.springframework.boot.data.redis.autoconfigure.");

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public boolean[] match(String[] candidates, AutoConfigurationMetadata metadata) {
		Set<Backend> kept = keptClients();
		boolean[] matches = new boolean[candidates.length];
		for (int i = 0; i < candidates.length; i++) {
			matches[i] = candidates[i] == null || isKept(candidates[i], kept);
		}
		return matches;
	}

	private static boolean isKept(String candidate, Set<Backend> kept) {
		for (Map.Entry<Backend, String> client : CLIENT_PACKAGES.entrySet()) {
			if (candidate.startsWith(client.getValue())) {
				return kept.contains(client.getKey());
			}
		}
		return true;
	}

	private Set<Backend> keptClients() {
		Set<Backend> kept = EnumSet.noneOf(Backend.class);
		Binder binder = Binder.get(this.environment);
		try {
			binder.bind("mqlab.messaging.backend", Backend.class).ifBound(kept::add);
		}
		catch (RuntimeException ex) {
			// An unknown value: MessagingProperties reports it with the valid choices.
		}
		try {
			binder.bind("mqlab.messaging.extra-clients", Bindable.listOf(Backend.class)).ifBound(kept::addAll);
		}
		catch (RuntimeException ex) {
			// Reported the same way as above.
		}
		return kept;
	}

}
