package io.mqlab.messaging;

import java.util.EnumSet;
import java.util.Set;

/**
 * The capabilities one backend declares.
 *
 * @param backend the backend that declares them
 * @param supported what it does natively
 */
public record Capabilities(Backend backend, Set<Capability> supported) {

	public Capabilities {
		supported = supported.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(supported));
	}

	public static Capabilities of(Backend backend, Capability... supported) {
		return new Capabilities(backend, Set.of(supported));
	}

	public boolean supports(Capability capability) {
		return this.supported.contains(capability);
	}

	/**
	 * Fails fast when the backend lacks the capability.
	 * @throws UnsupportedCapabilityException naming the backend and the capability
	 */
	public void require(Capability capability) {
		if (!supports(capability)) {
			throw new UnsupportedCapabilityException(this.backend, capability);
		}
	}

}
