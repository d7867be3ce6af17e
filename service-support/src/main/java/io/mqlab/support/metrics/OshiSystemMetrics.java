package io.mqlab.support.metrics;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.mqlab.support.metrics.MetricsSampled.Sample;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSFileStore;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Host and process metrics read with OSHI. Not thread-safe: the agent's sampler thread
 * alone calls it. Usages and byte rates are over the time since the previous call, so the
 * first call ({@link #baseline()}) only remembers the counters.
 */
final class OshiSystemMetrics {

	/** New mounts show within 60 samples (5 minutes at 5 s). */
	private static final int RELIST_MOUNTS_EVERY = 60;

	private final HardwareAbstractionLayer hardware;

	private final OperatingSystem os;

	private final CentralProcessor processor;

	// Listed once: listing reads udev and sysfs; each sample only refreshes the counters.
	private final List<HWDiskStore> disks;

	private final List<NetworkIF> interfaces;

	private final OSProcess process;

	private List<File> mounts;

	private int samplesSinceListing;

	private long[] cpuTicks;

	private long diskRead;

	private long diskWritten;

	private long netReceived;

	private long netSent;

	private long processCpuMillis;

	OshiSystemMetrics() {
		SystemInfo system = new SystemInfo();
		this.hardware = system.getHardware();
		this.os = system.getOperatingSystem();
		this.processor = this.hardware.getProcessor();
		this.disks = this.hardware.getDiskStores();
		this.interfaces = this.hardware.getNetworkIFs();
		this.process = this.os.getProcess(this.os.getProcessId());
	}

	String hostName() {
		return this.os.getNetworkParams().getHostName();
	}

	/** Remembers the counters the next {@link #sample} differentiates. */
	void baseline() {
		this.cpuTicks = this.processor.getSystemCpuLoadTicks();
		readDisks();
		readInterfaces();
		this.process.updateAttributes();
		this.processCpuMillis = this.process.getKernelTime() + this.process.getUserTime();
	}

	/**
	 * Adds the host's and the process's samples.
	 * @param seconds the time since the previous call
	 */
	void sample(double seconds, List<Sample> samples) {
		add(samples, "host.cpu.usage", this.processor.getSystemCpuLoadBetweenTicks(this.cpuTicks));
		this.cpuTicks = this.processor.getSystemCpuLoadTicks();
		GlobalMemory memory = this.hardware.getMemory();
		add(samples, "host.memory.used", memory.getTotal() - memory.getAvailable());
		add(samples, "host.memory.total", memory.getTotal());
		add(samples, "host.swap.used", memory.getVirtualMemory().getSwapUsed());
		disk(samples);

		long read = this.diskRead;
		long written = this.diskWritten;
		readDisks();
		add(samples, "host.disk.read.bytes", rate(this.diskRead - read, seconds));
		add(samples, "host.disk.write.bytes", rate(this.diskWritten - written, seconds));
		long received = this.netReceived;
		long sent = this.netSent;
		readInterfaces();
		add(samples, "host.net.received.bytes", rate(this.netReceived - received, seconds));
		add(samples, "host.net.sent.bytes", rate(this.netSent - sent, seconds));

		if (this.process.updateAttributes()) {
			long cpuMillis = this.process.getKernelTime() + this.process.getUserTime();
			double busy = rate(cpuMillis - this.processCpuMillis, seconds) / 1000.0;
			this.processCpuMillis = cpuMillis;
			add(samples, "process.cpu.usage", Math.min(1.0, busy / this.processor.getLogicalProcessorCount()));
			add(samples, "process.rss", this.process.getResidentSetSize());
			add(samples, "process.threads", this.process.getThreadCount());
			long fds = this.process.getOpenFiles();
			add(samples, "process.open.fds", (fds >= 0) ? fds : Double.NaN);
		}
	}

	/**
	 * Used and total space of the local file systems, each volume once (bind mounts).
	 * OSHI lists them (slow: about as long as the rest of a sample) every few minutes;
	 * each sample only asks the kernel for their space.
	 */
	private void disk(List<Sample> samples) {
		if (this.mounts == null || ++this.samplesSinceListing >= RELIST_MOUNTS_EVERY) {
			this.mounts = localMounts();
			this.samplesSinceListing = 0;
		}
		long used = 0;
		long total = 0;
		for (File mount : this.mounts) {
			long space = mount.getTotalSpace();
			if (space > 0) {
				total += space;
				used += space - mount.getUsableSpace();
			}
		}
		add(samples, "host.disk.used", used);
		add(samples, "host.disk.total", total);
	}

	private List<File> localMounts() {
		List<File> mounts = new ArrayList<>();
		Set<String> volumes = new HashSet<>();
		for (OSFileStore store : this.os.getFileSystem().getFileStores(true)) {
			if (store.getTotalSpace() > 0 && volumes.add(store.getVolume())) {
				mounts.add(new File(store.getMount()));
			}
		}
		return mounts;
	}

	private void readDisks() {
		long read = 0;
		long written = 0;
		for (HWDiskStore disk : this.disks) {
			disk.updateAttributes();
			read += disk.getReadBytes();
			written += disk.getWriteBytes();
		}
		this.diskRead = read;
		this.diskWritten = written;
	}

	private void readInterfaces() {
		long received = 0;
		long sent = 0;
		for (NetworkIF network : this.interfaces) {
			network.updateAttributes();
			received += network.getBytesRecv();
			sent += network.getBytesSent();
		}
		this.netReceived = received;
		this.netSent = sent;
	}

	/** Per second; a counter that went back (a device gone, a wrap) counts as nothing. */
	static double rate(double delta, double seconds) {
		return (delta > 0 && seconds > 0) ? delta / seconds : 0;
	}

	static void add(List<Sample> samples, String name, double value) {
		if (!Double.isNaN(value) && !Double.isInfinite(value)) {
			samples.add(Sample.of(name, value));
		}
	}

}
