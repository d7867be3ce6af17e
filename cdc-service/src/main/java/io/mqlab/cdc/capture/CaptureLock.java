package io.mqlab.cdc.capture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.mqlab.cdc.CdcSettings;

/**
 * One capture at a time: a PostgreSQL advisory lock named after the slot, held by a
 * connection of its own. The lock goes with the connection, so an instance that dies
 * (even killed -9) frees it and a waiting one takes over.
 */
final class CaptureLock implements AutoCloseable {

	private final CdcSettings.Source source;

	private final String name;

	private Connection connection;

	CaptureLock(CdcSettings.Source source, String name) {
		this.source = source;
		this.name = "mqlab.cdc:" + name;
	}

	/** Takes the lock if it is free; false when another instance holds it. */
	synchronized boolean tryAcquire() throws SQLException {
		if (held()) {
			return true;
		}
		close();
		Connection candidate = DriverManager.getConnection(this.source.jdbcUrl(), this.source.username(),
				this.source.password());
		try (PreparedStatement statement = candidate.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
			statement.setString(1, this.name);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				if (result.getBoolean(1)) {
					this.connection = candidate;
					return true;
				}
			}
		}
		candidate.close();
		return false;
	}

	/** Whether the lock's connection is still alive (and so the lock held). */
	synchronized boolean held() {
		try {
			return this.connection != null && this.connection.isValid(2);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/** Frees the lock by closing its connection. */
	@Override
	public synchronized void close() {
		if (this.connection != null) {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				// the connection is gone, and the lock with it
			}
			this.connection = null;
		}
	}

}
