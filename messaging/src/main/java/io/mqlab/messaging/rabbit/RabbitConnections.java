package io.mqlab.messaging.rabbit;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;

import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.amqp.autoconfigure.CachingConnectionFactoryConfigurer;

/**
 * The connections mqlab opens, built from the application's (Boot's) RabbitMQ settings
 * but with what the contract needs regardless of them: correlated publisher confirms,
 * returns for unroutable messages, and a connect timeout no longer than the publish
 * timeout. One shared connection publishes, declares and handles dead letters; each
 * subscription gets a connection of its own whose consumer thread pool is its
 * concurrency.
 */
final class RabbitConnections implements DisposableBean {

	private final com.rabbitmq.client.ConnectionFactory rabbit;

	private final CachingConnectionFactoryConfigurer configurer;

	private final CachingConnectionFactory shared;

	private final RabbitTemplate template;

	/**
	 * @param application the application's connection factory, whose client settings
	 * (host, credentials, TLS, customizers) are copied
	 * @param configurer Boot's configurer (addresses, caching), or {@code null}
	 * @param connectionTimeout {@code spring.rabbitmq.connection-timeout} if set
	 * @param publishTimeout the longest a publish may block
	 */
	RabbitConnections(ConnectionFactory application, CachingConnectionFactoryConfigurer configurer,
			Duration connectionTimeout, Duration publishTimeout) {
		if (!(application instanceof AbstractConnectionFactory base)) {
			throw new IllegalStateException("The rabbitmq backend copies its client settings from a Spring AMQP "
					+ "AbstractConnectionFactory (such as Boot's rabbitConnectionFactory), but found "
					+ application.getClass().getName());
		}
		this.rabbit = base.getRabbitConnectionFactory().clone();
		// The caching factory reconnects and our consumers re-subscribe themselves; the
		// client's own recovery would add a second consumer per queue.
		this.rabbit.setAutomaticRecoveryEnabled(false);
		if (connectionTimeout == null) {
			// The client waits 60 s by default: an unreachable broker must fail a
			// publish within its timeout instead.
			this.rabbit.setConnectionTimeout((int) Math.min(publishTimeout.toMillis(), Integer.MAX_VALUE));
		}
		this.configurer = configurer;
		this.shared = newConnectionFactory("mqlab", null);
		this.template = new RabbitTemplate(this.shared);
		this.template.setMandatory(true);
	}

	/** Publishes, declares and moves dead letters over the shared connection. */
	RabbitTemplate template() {
		return this.template;
	}

	/**
	 * A connection factory of its own, e.g. for one subscription.
	 * @param name the connection name shown by the broker
	 * @param consumerThreads the threads running its consumers, or {@code null} for the
	 * client's default
	 */
	CachingConnectionFactory newConnectionFactory(String name, ExecutorService consumerThreads) {
		return newConnectionFactory(this.rabbit, name, consumerThreads);
	}

	/**
	 * A connection factory for one question the broker may answer by closing the
	 * connection (such as declaring an exchange type it does not know): the client does
	 * not log that as an unexpected error.
	 */
	CachingConnectionFactory newProbeConnectionFactory(String name) {
		com.rabbitmq.client.ConnectionFactory quiet = this.rabbit.clone();
		quiet.setExceptionHandler(new ForgivingExceptionHandler() {

			@Override
			public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
				// the broker closed it on purpose
			}

		});
		return newConnectionFactory(quiet, name, null);
	}

	private CachingConnectionFactory newConnectionFactory(com.rabbitmq.client.ConnectionFactory rabbit, String name,
			ExecutorService consumerThreads) {
		CachingConnectionFactory factory = new CachingConnectionFactory(rabbit);
		if (this.configurer != null) {
			this.configurer.configure(factory);
		}
		factory.setPublisherConfirmType(ConfirmType.CORRELATED);
		factory.setPublisherReturns(true);
		factory.setConnectionNameStrategy((ignored) -> name);
		if (consumerThreads != null) {
			factory.setExecutor(consumerThreads);
		}
		factory.afterPropertiesSet();
		return factory;
	}

	String location() {
		return this.shared.getHost() + ":" + this.shared.getPort();
	}

	@Override
	public void destroy() {
		this.shared.destroy();
	}

}
