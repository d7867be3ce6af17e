package io.mqlab.recommendation;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code mqlab.recommendation}.
 *
 * @param clicksTopic where clicks are published and read
 * @param ordersTopic the order service's {@code OrderPlaced} events (purchases)
 * @param group this service's consumer group on both topics
 * @param concurrency messages each instance handles at once per topic (different users)
 * @param keyPrefix prefix of every Redis key this service writes
 * @param maxBatch most clicks in one {@code POST /clicks/batch}
 * @param maxClockSkew how far in the future a click's time may be
 * @param dedupeTtl how long a handled click or order id is remembered, so a redelivery
 * within that time counts nothing (one small key per event: memory grows with the rate
 * times this). It covers the same redeliveries as the messaging library's idempotency
 * records, so it defaults to {@code mqlab.messaging.idempotency.retention} (30 days;
 * recommendation-service.yml)
 * @param sessionGap a session without clicks for this long is over
 * @param allowedLateness how long after its minute ended a click still counts for
 * trending (event time); later ones are counted everywhere else but there
 * @param interestHalfLife a user's interest in a product halves in this time
 * @param dataDir where the training data is written
 * @param exportRotation how often the training data files are closed and new ones started
 * @param instanceId names this instance's export files ({@code null}: host name and pid)
 * @param engine what runs the aggregation: {@code messaging} (the messaging library's
 * consumer, sessions in Redis; every backend) or {@code kafka-streams} (a Kafka Streams
 * topology, sessions in a state store; the kafka backend only). Both apply the same
 * scoring to the same Redis aggregates.
 */
@ConfigurationProperties("mqlab.recommendation")
public record RecommendationSettings(@DefaultValue("clicks") String clicksTopic,
		@DefaultValue("ORDER") String ordersTopic, @DefaultValue("recommendation") String group,
		@DefaultValue("4") int concurrency, @DefaultValue("reco") String keyPrefix, @DefaultValue("500") int maxBatch,
		@DefaultValue("5m") Duration maxClockSkew, @DefaultValue("7d") Duration dedupeTtl,
		@DefaultValue("30m") Duration sessionGap, @DefaultValue("2m") Duration allowedLateness,
		@DefaultValue("1d") Duration interestHalfLife, @DefaultValue("data") Path dataDir,
		@DefaultValue("1m") Duration exportRotation, String instanceId, @DefaultValue("messaging") String engine) {

}
