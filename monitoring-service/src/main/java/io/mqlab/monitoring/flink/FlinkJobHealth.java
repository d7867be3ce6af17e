package io.mqlab.monitoring.flink;

import org.apache.flink.api.common.JobStatus;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The local Flink job in the service's health ({@code flinkJob}): up while it runs, down
 * while it restarts or after it failed (say, Redis unreachable: Flink restarts it from
 * the last checkpoint, backing off).
 */
@Component("flinkJobHealthIndicator")
@ConditionalOnProperty(name = "mqlab.monitoring.engine", havingValue = "flink")
class FlinkJobHealth implements HealthIndicator {

	private final FlinkMonitoringEngine engine;

	FlinkJobHealth(FlinkMonitoringEngine engine) {
		this.engine = engine;
	}

	@Override
	public Health health() {
		JobStatus status;
		try {
			status = this.engine.status();
		}
		catch (Exception ex) {
			return Health.unknown().withException(ex).build();
		}
		if (status == null) {
			return Health.up().withDetail("job", "on a Flink cluster, or stopped").build();
		}
		Health.Builder health = (status == JobStatus.RUNNING) ? Health.up()
				: (status == JobStatus.CREATED || status == JobStatus.INITIALIZING) ? Health.unknown() : Health.down();
		return health.withDetail("status", status.name()).build();
	}

}
