package io.mqlab.messaging;

/**
 * Thrown when a caller asks a backend for a {@link Capability} it does not have.
 */
public class UnsupportedCapabilityException extends UnsupportedOperationException {

	private final Backend backend;

	private final Capability capability;

	public UnsupportedCapabilityException(Backend backend, Capability capability) {
		super("The " + backend.id() + " backend does not support " + capability
				+ "; choose a backend that does (see Capabilities) or avoid the feature");
		this.backend = backend;
		this.capability = capability;
	}

	public Backend backend() {
		return this.backend;
	}

	public Capability capability() {
		return this.capability;
	}

}
