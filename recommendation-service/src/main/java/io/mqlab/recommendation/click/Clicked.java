package io.mqlab.recommendation.click;

import java.time.Instant;
import java.util.UUID;

/**
 * Published to {@code clicks}, keyed by user id, for every accepted click.
 *
 * @param clickId unique per accepted click: a redelivery carries the same id
 * @param userId who clicked
 * @param sku what was clicked
 * @param type what kind of interaction
 * @param sessionId the client's session, or {@code null} (sessions then end after a
 * pause)
 * @param at when it happened (event time)
 */
public record Clicked(UUID clickId, String userId, String sku, ClickType type, String sessionId, Instant at) {

}
