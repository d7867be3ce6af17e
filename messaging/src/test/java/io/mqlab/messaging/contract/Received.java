package io.mqlab.messaging.contract;

import java.util.UUID;

/**
 * One handler invocation, as a test records it.
 *
 * @param member which group member handled it
 * @param order global order of handling
 * @param key the payload key
 * @param seq the payload sequence
 * @param id the envelope id
 * @param redelivered what the broker said
 */
public record Received(String member, long order, String key, int seq, UUID id, boolean redelivered) {

}
