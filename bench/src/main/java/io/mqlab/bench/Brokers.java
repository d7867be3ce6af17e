package io.mqlab.bench;

/**
 * Where the brokers are. The defaults are the machine's own services and the standalone
 * Kafka broker of {@code scripts/kafka.sh}.
 *
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param rabbitHost RabbitMQ host
 * @param rabbitPort RabbitMQ AMQP port
 * @param rabbitUser RabbitMQ user
 * @param rabbitPassword RabbitMQ password
 * @param redisHost Redis host
 * @param redisPort Redis port
 * @param postgresHost PostgreSQL host
 * @param postgresPort PostgreSQL port
 * @param postgresDatabase PostgreSQL database
 * @param postgresUser PostgreSQL user (trust authentication)
 */
public record Brokers(String kafkaBootstrap, String rabbitHost, int rabbitPort, String rabbitUser,
		String rabbitPassword, String redisHost, int redisPort, String postgresHost, int postgresPort,
		String postgresDatabase, String postgresUser) {

	public static final Brokers LOCAL = new Brokers("127.0.0.1:9092", "127.0.0.1", 5672, "guest", "guest", "127.0.0.1",
			6379, "127.0.0.1", 5432, "test", "postgres");

	public String postgresUrl() {
		return "jdbc:postgresql://" + this.postgresHost + ":" + this.postgresPort + "/" + this.postgresDatabase;
	}

	public Brokers withKafkaBootstrap(String bootstrap) {
		return new Brokers(bootstrap, this.rabbitHost, this.rabbitPort, this.rabbitUser, this.rabbitPassword,
				this.redisHost, this.redisPort, this.postgresHost, this.postgresPort, this.postgresDatabase,
				this.postgresUser);
	}

}
