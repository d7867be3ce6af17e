package io.mqlab.cdc.status;

import java.time.Instant;
import java.util.List;

import io.mqlab.cdc.CdcSettings;
import io.mqlab.cdc.SourceDatabase;
import io.mqlab.cdc.capture.CaptureState;
import io.mqlab.cdc.sink.ProductSink;
import io.mqlab.cdc.sink.SinkProgress;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where the capture and the sinks stand: the slot (confirmed LSN, WAL it retains), this
 * instance's capture, and each sink's last applied LSN and lag.
 */
@RestController
class StatusController {

	private static final String SLOT = """
			SELECT slot_name, active, confirmed_flush_lsn::text AS confirmed,
			       pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint AS confirmed_number,
			       pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS retained
			FROM pg_replication_slots WHERE slot_name = ?
			""";

	private final SourceDatabase source;

	private final CdcSettings settings;

	private final ObjectProvider<CaptureState> capture;

	private final List<ProductSink> sinks;

	StatusController(SourceDatabase source, CdcSettings settings, ObjectProvider<CaptureState> capture,
			ObjectProvider<ProductSink> sinks) {
		this.source = source;
		this.settings = settings;
		this.capture = capture;
		// none when this instance runs no sink role
		this.sinks = sinks.orderedStream().toList();
	}

	@GetMapping("/cdc/status")
	Status status() {
		return new Status(Instant.now(), this.settings.topic(), slot(), captureStatus(),
				this.sinks.stream().map(StatusController::sink).toList());
	}

	private Slot slot() {
		String name = this.settings.capture().slot();
		try {
			return this.source.jdbc()
				.sql(SLOT)
				.param(name)
				.query((rs, n) -> new Slot(name, true, rs.getBoolean("active"), rs.getString("confirmed"),
						rs.getLong("confirmed_number"), rs.getLong("retained"), null))
				.optional()
				.orElse(new Slot(name, false, false, null, 0, 0, null));
		}
		catch (DataAccessException ex) {
			return new Slot(name, false, false, null, 0, 0, ex.getMostSpecificCause().getMessage());
		}
	}

	private Capture captureStatus() {
		CaptureState state = this.capture.getIfAvailable();
		if (state == null) {
			return new Capture(false, null, 0, 0, null, null);
		}
		return new Capture(true, state.phase().name(), state.published(), state.lastLsn(), state.lastCommitTime(),
				state.lastError());
	}

	private static Sink sink(ProductSink sink) {
		SinkProgress progress = sink.progress();
		return new Sink(sink.name(), progress.lastLsn(), progress.lastLagMs(), progress.lastAppliedAt(),
				progress.applied(), progress.stale());
	}

	/**
	 * @param at when this was read
	 * @param topic the changes topic
	 * @param slot the replication slot
	 * @param capture this instance's capture
	 * @param sinks the sinks this instance runs
	 */
	record Status(Instant at, String topic, Slot slot, Capture capture, List<Sink> sinks) {

	}

	/**
	 * @param name the slot's name
	 * @param exists whether PostgreSQL has it (the first capture creates it)
	 * @param active whether a capture streams from it now
	 * @param confirmedLsn the LSN the capture confirmed (changes before it are published)
	 * @param confirmedLsnNumber the same as a number, comparable with the sinks' LSNs
	 * @param retainedWalBytes WAL PostgreSQL keeps for the slot
	 * @param error why the slot could not be read
	 */
	record Slot(String name, boolean exists, boolean active, String confirmedLsn, long confirmedLsnNumber,
			long retainedWalBytes, String error) {

	}

	/**
	 * @param enabled whether this instance runs the capture role
	 * @param phase WAITING (another instance captures), CAPTURING, RESTARTING or STOPPED
	 * @param published changes this instance published
	 * @param lastLsn the LSN of the last one
	 * @param lastCommitTime its source commit time
	 * @param lastError the last failure, if any
	 */
	record Capture(boolean enabled, String phase, long published, long lastLsn, Instant lastCommitTime,
			String lastError) {

	}

	/**
	 * @param name cache, search or replica
	 * @param lastAppliedLsn the highest LSN it handled
	 * @param lagMs commit to applied, of the last streamed change (-1: none yet)
	 * @param lastAppliedAt when it last handled a change
	 * @param applied changes written
	 * @param stale changes left out as older than what it held
	 */
	record Sink(String name, long lastAppliedLsn, long lagMs, Instant lastAppliedAt, long applied, long stale) {

	}

}
