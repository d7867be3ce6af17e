package io.mqlab.cdc;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.sun.management.OperatingSystemMXBean;

/**
 * CPU time of this JVM, of its threads grouped by name (digits taken out, so a pool's
 * threads add up), and of the whole machine (busy ticks of {@code /proc/stat}) at one
 * moment, so that a check can say where the cores went during a phase: the difference of
 * two.
 *
 * @param jvmNanos this JVM's CPU time
 * @param threadNanos CPU time per thread group (threads that ended drop out)
 * @param compileMillis time the JIT compilers spent (wall time of its threads, summed)
 * @param gcMillis time the collectors spent
 * @param machineBusyTicks the machine's busy time in clock ticks
 * @param wallNanos the monotonic clock
 */
record CpuTime(long jvmNanos, Map<String, Long> threadNanos, long compileMillis, long gcMillis, long machineBusyTicks,
		long wallNanos) {

	private static final double TICKS_PER_SECOND = 100;

	static CpuTime now() throws IOException {
		long jvm = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Map<String, Long> byGroup = new HashMap<>();
		for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
			long nanos = (info != null) ? threads.getThreadCpuTime(info.getThreadId()) : -1;
			if (nanos > 0) {
				byGroup.merge(info.getThreadName().replaceAll("\\d+", "N"), nanos, Long::sum);
			}
		}
		// cpu user nice system idle iowait irq softirq steal: busy is all but the
		// idle and iowait columns
		String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
		long busy = 0;
		for (int i = 1; i <= 8 && i < fields.length; i++) {
			if (i != 4 && i != 5) {
				busy += Long.parseLong(fields[i]);
			}
		}
		long gc = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			gc += Math.max(0, collector.getCollectionTime());
		}
		return new CpuTime(jvm, byGroup, ManagementFactory.getCompilationMXBean().getTotalCompilationTime(), gc, busy,
				System.nanoTime());
	}

	CpuTime minus(CpuTime earlier) {
		Map<String, Long> threads = new HashMap<>();
		this.threadNanos
			.forEach((group, nanos) -> threads.put(group, nanos - earlier.threadNanos.getOrDefault(group, 0L)));
		return new CpuTime(this.jvmNanos - earlier.jvmNanos, threads, this.compileMillis - earlier.compileMillis,
				this.gcMillis - earlier.gcMillis, this.machineBusyTicks - earlier.machineBusyTicks,
				this.wallNanos - earlier.wallNanos);
	}

	double jvmCores() {
		return this.jvmNanos / (double) this.wallNanos;
	}

	double jvmMsPer(long changes, int per) {
		return this.jvmNanos / 1e6 * per / Math.max(1, changes);
	}

	/**
	 * What the JVM's own threads (JIT compilers, collectors) took beyond the Java
	 * threads.
	 */
	double jvmInternalCores() {
		long java = this.threadNanos.values().stream().mapToLong(Long::longValue).sum();
		return (this.jvmNanos - java) / (double) this.wallNanos;
	}

	double compilingCores() {
		return this.compileMillis * 1e6 / this.wallNanos;
	}

	double collectingCores() {
		return this.gcMillis * 1e6 / this.wallNanos;
	}

	double machineCores() {
		return this.machineBusyTicks / TICKS_PER_SECOND / (this.wallNanos / 1e9);
	}

	/** The thread groups that used the most CPU, in cores, busiest first. */
	Map<String, Double> busiestThreads(int limit) {
		Map<String, Double> busiest = new LinkedHashMap<>();
		this.threadNanos.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(limit)
			.forEach((e) -> busiest.put(e.getKey(), e.getValue() / (double) this.wallNanos));
		return busiest;
	}

}
