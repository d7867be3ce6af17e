package io.mqlab.messaging.contract;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.mqlab.messaging.Messaging;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A group member in a process of its own, killed by the crash test: it handles messages
 * until the n-th, then holds that one without returning (so it is never acknowledged)
 * until the process is killed. Arguments: topic, group, n, then --property=value pairs.
 */
public final class CrashingConsumer {

	private CrashingConsumer() {
	}

	public static void main(String[] args) throws Exception {
		String topic = args[0];
		String group = args[1];
		int holdAt = Integer.parseInt(args[2]);
		Messaging messaging = new SpringApplicationBuilder(ContractApplication.class).web(WebApplicationType.NONE)
			.run(Arrays.copyOfRange(args, 3, args.length))
			.getBean(Messaging.class);
		AtomicInteger handled = new AtomicInteger();
		CountDownLatch never = new CountDownLatch(1);
		messaging.subscribe(topic, group, Numbered.class, (payload, context) -> {
			if (handled.incrementAndGet() >= holdAt) {
				say("HOLDING " + payload.key() + " " + payload.seq());
				never.await();
			}
			say("HANDLED " + payload.key() + " " + payload.seq());
		});
		say("SUBSCRIBED");
		never.await();
	}

	private static synchronized void say(String line) {
		System.out.println(line);
		System.out.flush();
	}

}
