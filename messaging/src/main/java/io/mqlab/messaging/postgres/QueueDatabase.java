package io.mqlab.messaging.postgres;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mqlab.messaging.BrokerUnavailableException;
import io.mqlab.messaging.MessagingSchema;
import io.mqlab.messaging.autoconfigure.MessagingProperties;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where the queue tables live: the service's DataSource, or a small pool of its own when
 * {@code mqlab.messaging.postgres.url} names a queue database apart from the service's.
 * Not a DataSource bean, so it never competes with the service's DataSource.
 */
final class QueueDatabase implements AutoCloseable {

	static final String HINT = "start PostgreSQL (pg_ctlcluster --skip-systemctl-redirect 15 main start) "
			+ "or set mqlab.messaging.postgres.url (a queue database) or spring.datasource.url";

	private static final Pattern HOST_PORT = Pattern.compile("jdbc:postgresql://([^/?]*)");

	private final DataSource dataSource;

	private final HikariDataSource ownPool;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final String location;

	private QueueDatabase(DataSource dataSource, HikariDataSource ownPool, String url) {
		this.dataSource = dataSource;
		this.ownPool = ownPool;
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.location = location(url);
	}

	/** The queue in the service's own database; its tables come from MessagingSchema. */
	static QueueDatabase shared(DataSource dataSource, String url) {
		return new QueueDatabase(dataSource, null, url);
	}

	/**
	 * A pool of its own with short timeouts, so a broken connection fails a publish fast
	 * instead of after the driver's defaults, and the queue tables migrated there.
	 */
	static QueueDatabase separate(MessagingProperties properties) {
		MessagingProperties.Postgres settings = properties.getPostgres();
		HikariConfig config = new HikariConfig();
		config.setPoolName("mqlab-postgres-queue");
		config.setJdbcUrl(settings.getUrl());
		config.setUsername(settings.getUsername());
		config.setPassword(settings.getPassword());
		config.setMaximumPoolSize(settings.getPoolSize());
		long connectionTimeout = Math.max(250, Math.min(2000, properties.getPublishTimeout().toMillis()));
		config.setConnectionTimeout(connectionTimeout);
		config.setValidationTimeout(Math.min(1000, connectionTimeout));
		// Reachability is reported by the broker probe with a hint, not by pool start-up.
		config.setInitializationFailTimeout(-1);
		config.addDataSourceProperty("connectTimeout", 2);
		config.addDataSourceProperty("socketTimeout", 30);
		config.addDataSourceProperty("tcpKeepAlive", true);
		config.addDataSourceProperty("ApplicationName", "mqlab-queue");
		HikariDataSource pool = new HikariDataSource(config);
		QueueDatabase database = new QueueDatabase(pool, pool, settings.getUrl());
		try {
			new MessagingSchema(pool).afterPropertiesSet();
		}
		catch (RuntimeException ex) {
			pool.close();
			throw new BrokerUnavailableException("Cannot create the PostgreSQL queue tables at " + database.location()
					+ ": " + HINT + " (" + ex.getMessage() + ")", ex);
		}
		return database;
	}

	DataSource dataSource() {
		return this.dataSource;
	}

	JdbcTemplate jdbc() {
		return this.jdbc;
	}

	TransactionTemplate transactions() {
		return this.transactions;
	}

	/** host:port of the queue database. */
	String location() {
		return this.location;
	}

	private static String location(String url) {
		if (url == null) {
			return "the service DataSource";
		}
		Matcher matcher = HOST_PORT.matcher(url);
		if (!matcher.lookingAt() || matcher.group(1).isEmpty()) {
			return url;
		}
		String hosts = matcher.group(1);
		return (hosts.contains(":") || hosts.contains(",")) ? hosts : hosts + ":5432";
	}

	@Override
	public void close() {
		if (this.ownPool != null) {
			this.ownPool.close();
		}
	}

}
