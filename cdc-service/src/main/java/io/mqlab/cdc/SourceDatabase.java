package io.mqlab.cdc;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A small pool on the captured database, for the capture's lock and heartbeat table, the
 * status and the consistency check. Not a {@code DataSource} bean: this service has no
 * database of its own, and the messaging library would put its outbox tables in it.
 */
@Component
public class SourceDatabase implements DisposableBean {

	private final HikariDataSource dataSource = new HikariDataSource();

	private final JdbcClient jdbc;

	private final CdcSettings.Source settings;

	SourceDatabase(CdcSettings settings) {
		this.settings = settings.source();
		this.dataSource.setJdbcUrl(this.settings.jdbcUrl());
		this.dataSource.setUsername(this.settings.username());
		this.dataSource.setPassword(this.settings.password());
		this.dataSource.setPoolName("cdc-source");
		this.dataSource.setMaximumPoolSize(4);
		this.dataSource.setMinimumIdle(0);
		// the service starts (and its sinks run) while the source is down
		this.dataSource.setInitializationFailTimeout(-1);
		this.jdbc = JdbcClient.create(this.dataSource);
	}

	public JdbcClient jdbc() {
		return this.jdbc;
	}

	public HikariDataSource dataSource() {
		return this.dataSource;
	}

	public CdcSettings.Source settings() {
		return this.settings;
	}

	@Override
	public void destroy() {
		this.dataSource.close();
	}

}
