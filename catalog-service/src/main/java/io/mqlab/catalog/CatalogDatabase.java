package io.mqlab.catalog;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.stereotype.Component;

/**
 * Creates the service's database when it is missing, before Flyway migrates it: the
 * service then starts on any PostgreSQL it may log in to with CREATEDB (a fresh machine,
 * a compose volume made before the service existed). Where the account may not create
 * databases, {@code mqlab.catalog.create-database=false} and create it yourself.
 */
@Component
@ConditionalOnBooleanProperty(name = "mqlab.catalog.create-database", matchIfMissing = true)
class CatalogDatabase implements FlywayConfigurationCustomizer {

	private static final Log logger = LogFactory.getLog(CatalogDatabase.class);

	private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]*/)([^?]+)(.*)");

	// CREATE DATABASE takes an identifier, which cannot be a bound parameter
	private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	private static final String DUPLICATE_DATABASE = "42P04";

	private final DataSourceProperties dataSource;

	CatalogDatabase(DataSourceProperties dataSource) {
		this.dataSource = dataSource;
	}

	@Override
	public void customize(FluentConfiguration configuration) {
		Matcher url = URL.matcher(this.dataSource.determineUrl());
		if (!url.matches()) {
			return;
		}
		String database = url.group(2);
		if (!NAME.matcher(database).matches()) {
			throw new IllegalStateException("Cannot create database '" + database
					+ "': not a plain lower-case name; create it yourself and set mqlab.catalog.create-database=false");
		}
		String maintenance = url.group(1) + "postgres" + url.group(3);
		try (Connection connection = DriverManager.getConnection(maintenance, this.dataSource.determineUsername(),
				this.dataSource.determinePassword())) {
			if (!exists(connection, database)) {
				connection.createStatement().execute("CREATE DATABASE " + database);
				logger.info("Created PostgreSQL database " + database);
			}
		}
		catch (SQLException ex) {
			// another instance starting at the same time created it first
			if (!DUPLICATE_DATABASE.equals(ex.getSQLState())) {
				throw new IllegalStateException("Cannot create database " + database
						+ " (create it yourself and set mqlab.catalog.create-database=false)", ex);
			}
		}
	}

	private static boolean exists(Connection connection, String database) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
			statement.setString(1, database);
			try (ResultSet result = statement.executeQuery()) {
				return result.next();
			}
		}
	}

}
