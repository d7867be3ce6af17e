package io.mqlab.messaging.autoconfigure;

import io.mqlab.messaging.Backend;

import org.springframework.core.convert.converter.Converter;

/**
 * Reads {@code mqlab.messaging.backend} so that an unknown value fails start-up with the
 * list of valid ones.
 */
final class BackendConverter implements Converter<String, Backend> {

	@Override
	public Backend convert(String source) {
		return Backend.of(source);
	}

}
