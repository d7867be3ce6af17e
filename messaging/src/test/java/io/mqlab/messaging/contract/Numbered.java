package io.mqlab.messaging.contract;

/**
 * A test payload: the n-th message of a key.
 *
 * @param key the ordering key
 * @param seq its position within the key, from 1
 */
public record Numbered(String key, int seq) {

}
