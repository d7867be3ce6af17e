package io.mqlab.bench.mqlab;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs one task per producer on threads of its own and waits for all of them.
 */
final class ProducerThreads {

	private ProducerThreads() {
	}

	static void run(int producers, IntConsumer producer) {
		AtomicInteger number = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(producers, (runnable) -> {
			Thread thread = new Thread(runnable, "bench-producer-" + number.getAndIncrement());
			thread.setDaemon(true);
			return thread;
		});
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int p = 0; p < producers; p++) {
				int id = p;
				running.add(executor.submit(() -> producer.accept(id)));
			}
			for (Future<?> future : running) {
				future.get();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while producing", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("A producer failed: " + ex.getCause(), ex.getCause());
		}
		finally {
			executor.shutdownNow();
		}
	}

}
