package io.mqlab.cdc.capture;

import io.mqlab.cdc.CdcSettings;
import io.mqlab.cdc.SourceDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * The table Debezium's heartbeat writes to, created by the catalog's migration. It must
 * be in the publication: pgoutput sends nothing for a transaction that touches no
 * published table, and then an idle catalog never moves the slot on while other databases
 * fill the WAL it retains.
 */
final class HeartbeatTable {

	private static final Logger logger = LoggerFactory.getLogger(HeartbeatTable.class);

	private final SourceDatabase source;

	private final String table;

	private final String slot;

	HeartbeatTable(SourceDatabase source, CdcSettings.Capture capture) {
		this.source = source;
		this.table = Identifiers.require(capture.heartbeatTable());
		this.slot = Identifiers.require(capture.slot());
	}

	/** The statement the heartbeat runs: one row per slot. */
	String actionQuery() {
		return "INSERT INTO " + this.table + " (slot, beat_at) VALUES ('" + this.slot
				+ "', now()) ON CONFLICT (slot) DO UPDATE SET beat_at = now()";
	}

	/**
	 * Checks that the table is there and in the publication, and says what is wrong when
	 * not. The catalog's migration creates both ({@code V2__capture_heartbeat.sql}): the
	 * schema has one owner, and the capture's role needs neither CREATE nor the
	 * publication's ownership.
	 */
	void check() {
		String publication = this.source.settings().publication();
		try {
			Integer published = this.source.jdbc()
				.sql("SELECT count(*) FROM pg_publication_tables WHERE pubname = ? AND tablename = ?")
				.params(publication, this.table)
				.query(Integer.class)
				.single();
			if (published == 0) {
				logger.warn(
						"The heartbeat table {} is not in publication {} (the catalog's migration V2 adds it): "
								+ "while the catalog is idle the slot keeps the WAL other databases write",
						this.table, publication);
			}
		}
		catch (DataAccessException ex) {
			logger.warn("Cannot check the heartbeat table {}: {}", this.table, ex.getMostSpecificCause().getMessage());
		}
	}

}
