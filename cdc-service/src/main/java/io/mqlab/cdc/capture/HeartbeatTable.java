package io.mqlab.cdc.capture;

import io.mqlab.cdc.CdcSettings;
import io.mqlab.cdc.SourceDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * The table Debezium's heartbeat writes to. It must be in the publication: pgoutput sends
 * nothing for a transaction that touches no published table, and then an idle catalog
 * never moves the slot on while other databases fill the WAL it retains.
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
	 * Creates the table and adds it to the publication where this user may; otherwise
	 * expects the catalog's migration (or an administrator) to have done it, and says so.
	 */
	void ensure() {
		String publication = this.source.settings().publication();
		try {
			this.source.jdbc()
				.sql("CREATE TABLE IF NOT EXISTS " + this.table
						+ " (slot varchar(63) PRIMARY KEY, beat_at timestamptz NOT NULL)")
				.update();
		}
		catch (DataAccessException ex) {
			logger.warn("Cannot create the heartbeat table {} ({}); create it with INSERT and UPDATE for the capture",
					this.table, ex.getMostSpecificCause().getMessage());
		}
		Integer published = this.source.jdbc()
			.sql("SELECT count(*) FROM pg_publication_tables WHERE pubname = ? AND tablename = ?")
			.params(publication, this.table)
			.query(Integer.class)
			.single();
		if (published == 0) {
			try {
				this.source.jdbc()
					.sql("ALTER PUBLICATION " + Identifiers.require(publication) + " ADD TABLE " + this.table)
					.update();
			}
			catch (DataAccessException ex) {
				logger.warn(
						"The heartbeat table {} is not in publication {} and this user cannot add it ({}): "
								+ "while the catalog is idle the slot keeps the WAL other databases write",
						this.table, publication, ex.getMostSpecificCause().getMessage());
			}
		}
	}

}
