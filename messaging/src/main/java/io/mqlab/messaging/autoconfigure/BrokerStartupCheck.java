package io.mqlab.messaging.autoconfigure;

import io.mqlab.messaging.BrokerProbe;
import io.mqlab.messaging.BrokerUnavailableException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Fails start-up when the chosen broker does not answer, saying what to start or set,
 * instead of letting the first publish fail later.
 */
final class BrokerStartupCheck implements SmartInitializingSingleton {

	private final ObjectProvider<BrokerProbe> probe;

	private final ObjectProvider<MessagingProperties> properties;

	BrokerStartupCheck(ObjectProvider<BrokerProbe> probe, ObjectProvider<MessagingProperties> properties) {
		this.probe = probe;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		MessagingProperties properties = this.properties.getObject();
		MessagingAutoConfiguration.chosen(properties);
		BrokerProbe probe = this.probe.getIfAvailable();
		if (probe == null) {
			return;
		}
		try {
			probe.check();
		}
		catch (Exception ex) {
			throw new BrokerUnavailableException("Cannot reach the " + properties.getBackend().id() + " broker at "
					+ probe.location() + ": " + probe.hint() + " (" + ex + ")", ex);
		}
	}

}
