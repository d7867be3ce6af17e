package io.mqlab.messaging.autoconfigure;

import java.util.List;
import java.util.Map;

import io.mqlab.messaging.Messaging;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Declares the downstream groups of {@code mqlab.messaging.declare} once every bean
 * exists and before any lifecycle starts (outbox relay, listeners, web server): nothing
 * this service publishes is dropped because the consuming service has not started yet. A
 * broker that cannot take the declaration fails the start-up, like the broker check.
 */
final class DeclaredGroups implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(DeclaredGroups.class);

	private final Messaging messaging;

	private final Map<String, List<String>> groups;

	DeclaredGroups(Messaging messaging, Map<String, List<String>> groups) {
		this.messaging = messaging;
		this.groups = Map.copyOf(groups);
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.groups.forEach((topic, groups) -> {
			for (String group : groups) {
				this.messaging.provision(topic, group.strip());
			}
		});
		if (!this.groups.isEmpty()) {
			logger.info("Declared the downstream groups " + this.groups);
		}
	}

}
