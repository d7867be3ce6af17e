package io.mqlab.bench.nativetool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mqlab.bench.Brokers;
import io.mqlab.bench.Progress;
import io.mqlab.bench.workload.Latency;
import io.mqlab.bench.workload.Workload;
import org.HdrHistogram.Histogram;

/**
 * {@code pgbench} (the Debian binary) on a queue table of its own: producers INSERT
 * messages of the same size over the same keys, as many rows per transaction as mqlab's
 * {@code publishAll} batches (the pipeline), then consumers dequeue as many per
 * transaction as mqlab claims (the poll batch) with {@code DELETE ... (SELECT ... FOR
 * UPDATE SKIP LOCKED LIMIT n) RETURNING}, each commit durable. Run one after the other: a
 * queue table under concurrent inserts and deletes needs aggressive autovacuum to keep up
 * (see MACHINE.md), which would measure vacuum settings, not the queue.
 */
final class PgBench implements NativeBenchmark {

	private static final Pattern TPS = Pattern.compile("tps = ([\\d.]+) \\(without initial connection time\\)");

	private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");

	private static final Duration TIMEOUT = Duration.ofMinutes(10);

	@Override
	public String tool() {
		return "pgbench INSERT + SKIP LOCKED dequeue";
	}

	@Override
	public NativeResult run(NativeRun run) {
		Workload workload = run.workload();
		Brokers brokers = run.brokers();
		String table = "bench_native_" + run.runId().replaceAll("[^A-Za-z0-9]", "_").toLowerCase();
		int insertBatch = run.tuning().pipeline();
		int dequeueBatch = run.tuning().pollBatch();
		int insertsPerProducer = NativeRun.perClient(workload.messages(),
				Math.toIntExact((long) workload.producers() * insertBatch));
		long total = (long) insertsPerProducer * workload.producers() * insertBatch;
		// One more each: near the end a consumer may find only rows the others hold.
		int dequeuesPerConsumer = NativeRun.perClient(total,
				Math.toIntExact((long) workload.consumers() * dequeueBatch)) + 1;
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("clients (enqueue)", workload.producers());
		settings.put("clients (dequeue)", workload.consumers());
		settings.put("rows per INSERT transaction", insertBatch);
		settings.put("rows per dequeue transaction", dequeueBatch);
		settings.put("dequeue", "SKIP LOCKED");
		settings.put("synchronous_commit", "server default (on)");
		List<String> commands = new ArrayList<>();
		try (Connection connection = DriverManager.getConnection(brokers.postgresUrl(), brokers.postgresUser(), "");
				Statement sql = connection.createStatement()) {
			sql.execute("DROP TABLE IF EXISTS " + table);
			sql.execute("CREATE TABLE " + table + " (id BIGSERIAL PRIMARY KEY, msg_key TEXT NOT NULL, "
					+ "payload TEXT NOT NULL, enqueued_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())");
			try {
				// Keys as mqlab spreads them: consecutive rows on consecutive keys.
				Path enqueue = Files.writeString(run.dir().resolve("pgbench-enqueue.sql"),
						"\\set key random(0, " + (workload.keys() - 1) + ")\nINSERT INTO " + table
								+ " (msg_key, payload) SELECT 'k' || ((:key + g) % " + workload.keys() + "), '"
								+ "x".repeat(workload.size()) + "' FROM generate_series(1, " + insertBatch + ") g;\n");
				Path dequeue = Files.writeString(run.dir().resolve("pgbench-dequeue.sql"),
						"DELETE FROM " + table + " WHERE id = ANY (ARRAY(SELECT id FROM " + table
								+ " ORDER BY id FOR UPDATE SKIP LOCKED LIMIT " + dequeueBatch
								+ ")) RETURNING id, msg_key, payload;\n");

				Progress.say("postgres", "native: pgbench INSERT, " + total + " rows");
				String inserted = pgbench(run, commands, workload.producers(), insertsPerProducer, enqueue, "enqueue");
				Histogram enqueueMicros = latencies(run.dir(), "pgbench-enqueue-log");
				Progress.say("postgres", "native: pgbench SKIP LOCKED dequeue");
				String deleted = pgbench(run, commands, workload.consumers(), dequeuesPerConsumer, dequeue, "dequeue");
				long left = count(sql, table);
				double insertTps = figure(TPS, inserted);
				double dequeueSeconds = figure(PROCESSED, deleted) / figure(TPS, deleted);
				return new NativeResult(tool(), "INSERT, then dequeue the backlog", true, total,
						NativeResult.round(insertTps * insertBatch),
						NativeResult.round((total - left) / dequeueSeconds), Latency.of(enqueueMicros),
						"INSERT transaction of " + insertBatch + " rows (commit)", left, null, null, settings, commands,
						null);
			}
			finally {
				sql.execute("DROP TABLE IF EXISTS " + table);
			}
		}
		catch (Exception ex) {
			return NativeResult.failed(tool(), settings, commands, ex);
		}
	}

	private static String pgbench(NativeRun run, List<String> commands, int clients, int transactions, Path script,
			String name) throws IOException {
		Brokers brokers = run.brokers();
		List<String> command = new ArrayList<>(
				List.of("pgbench", "-h", brokers.postgresHost(), "-p", Integer.toString(brokers.postgresPort()), "-U",
						brokers.postgresUser(), "-n", "-c", Integer.toString(clients), "-j", Integer.toString(clients),
						"-t", Integer.toString(transactions), "-f", script.getFileName().toString()));
		if (name.equals("enqueue")) {
			command.addAll(List.of("-l", "--log-prefix=pgbench-enqueue-log"));
		}
		command.add(brokers.postgresDatabase());
		commands.add(String.join(" ", command));
		return ChildProcess.run(command, run.dir().resolve("pgbench-" + name + ".log"), TIMEOUT);
	}

	/**
	 * Transaction latencies (third column, µs) from pgbench's per-transaction logs, which
	 * it deletes.
	 */
	private static Histogram latencies(Path dir, String prefix) throws IOException {
		Histogram micros = new Histogram(3);
		try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, prefix + ".*")) {
			for (Path log : logs) {
				for (String line : Files.readAllLines(log)) {
					String[] columns = line.split(" ");
					if (columns.length > 2) {
						micros.recordValue(Long.parseLong(columns[2]));
					}
				}
				Files.delete(log);
			}
		}
		return micros;
	}

	private static double figure(Pattern pattern, String output) throws IOException {
		Matcher matcher = pattern.matcher(output);
		if (!matcher.find()) {
			throw new IOException("Unexpected pgbench output: " + ChildProcess.tail(output));
		}
		return Double.parseDouble(matcher.group(1));
	}

	private static long count(Statement sql, String table) throws SQLException {
		try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM " + table)) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
