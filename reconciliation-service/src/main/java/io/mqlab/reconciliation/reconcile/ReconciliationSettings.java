package io.mqlab.reconciliation.reconcile;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What to compare and how patiently.
 *
 * @param legacyTopic the legacy service's events
 * @param newTopic the rewrite's events
 * @param group this service's consumer group
 * @param ignoreFields fields never compared: a name ({@code placedAt}) matches it at any
 * depth, a path ({@code items[].unitPrice}) only there
 * @param numericTolerance numbers closer than this are equal
 * @param gracePeriod how long one side may wait for the other before it counts as missing
 */
@ConfigurationProperties("mqlab.reconciliation")
public record ReconciliationSettings(@DefaultValue("ORDER") String legacyTopic,
		@DefaultValue("ORDERNEW") String newTopic, @DefaultValue("reconciliation") String group,
		@DefaultValue("placedAt") List<String> ignoreFields, @DefaultValue("0") BigDecimal numericTolerance,
		@DefaultValue("30s") Duration gracePeriod) {

}
