package io.mqlab.monitoring;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.mqlab.monitoring.alert.RuleBody;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code mqlab.monitoring}.
 *
 * @param metricsTopic where the agents publish sample batches
 * @param alertsTopic where alert transitions are published
 * @param group the processing group on {@code metrics}
 * @param notifierGroup the notifier's group on {@code alerts}
 * @param keyPrefix prefix of every Redis key this service writes
 * @param allowedLateness how long after its window closed (by the instance's event time)
 * a sample still counts; later ones are counted and dropped
 * @param maxClockSkew how far in the future a batch may be; later ones are dropped
 * @param retention10s how long 10 s rollups are kept
 * @param retention1m how long 1 min rollups (and instances) are kept
 * @param maxInstances most instances kept; samples of more are dropped
 * @param maxSeriesPerInstance most series per instance; samples of more are dropped
 * @param maxSamplesPerBatch most samples taken from one batch
 * @param staleAfter an active alert without samples for this long is shown stale (it
 * never resolves for want of data)
 * @param evaluationInterval how often absence rules are evaluated
 * @param relayInterval how often transitions waiting in Redis are published
 * @param defaultMargin a rule's hysteresis margin when it names none, as a fraction of
 * its threshold
 * @param maxRules most alert rules
 * @param maxAlerts most alerts (rule × series) tracked
 * @param maxSilences most silences
 * @param historySize transitions kept in the history
 * @param webhooks notification targets by name; rules name them, requests never carry
 * URLs
 * @param webhookTimeout connect and read timeout of one webhook call
 * @param notifiedTtl how long a sent notification is remembered (redeliveries within it
 * are not sent again)
 * @param pageInterval how often the live page gets a snapshot
 * @param maxPageClients most live pages connected at once
 * @param rules rules from configuration (written to the shared store at start-up unless a
 * rule of the same name exists there)
 * @param engine what processes the samples: {@code messaging} (the messaging library's
 * listener; every backend) or {@code flink} (a Flink job; the kafka backend only, see
 * {@code mqlab.monitoring.flink.*}). Both call the same processing step and rules.
 */
@ConfigurationProperties("mqlab.monitoring")
public record MonitoringSettings(@DefaultValue("metrics") String metricsTopic,
		@DefaultValue("alerts") String alertsTopic, @DefaultValue("monitoring") String group,
		@DefaultValue("monitoring-notifier") String notifierGroup, @DefaultValue("mon") String keyPrefix,
		@DefaultValue("30s") Duration allowedLateness, @DefaultValue("5m") Duration maxClockSkew,
		@DefaultValue("6h") Duration retention10s, @DefaultValue("7d") Duration retention1m,
		@DefaultValue("1000") int maxInstances, @DefaultValue("300") int maxSeriesPerInstance,
		@DefaultValue("500") int maxSamplesPerBatch, @DefaultValue("30s") Duration staleAfter,
		@DefaultValue("1s") Duration evaluationInterval, @DefaultValue("200ms") Duration relayInterval,
		@DefaultValue("0.1") double defaultMargin, @DefaultValue("200") int maxRules,
		@DefaultValue("10000") int maxAlerts, @DefaultValue("200") int maxSilences,
		@DefaultValue("1000") int historySize, Map<String, URI> webhooks, @DefaultValue("5s") Duration webhookTimeout,
		@DefaultValue("7d") Duration notifiedTtl, @DefaultValue("2s") Duration pageInterval,
		@DefaultValue("50") int maxPageClients, List<RuleBody> rules, @DefaultValue("messaging") String engine) {

	public MonitoringSettings {
		if (!"messaging".equals(engine) && !"flink".equals(engine)) {
			throw new IllegalArgumentException(
					"mqlab.monitoring.engine must be messaging (the default) or flink, not '" + engine + "'");
		}
		webhooks = (webhooks != null) ? Map.copyOf(webhooks) : Map.of();
		rules = (rules != null) ? List.copyOf(rules) : List.of();
	}

}
