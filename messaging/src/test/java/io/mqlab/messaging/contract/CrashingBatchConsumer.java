package io.mqlab.messaging.contract;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.RetrySettings;
import io.mqlab.messaging.SubscriptionSpec;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A batch listener in a process of its own, killed by the crash test: it handles batches
 * until the one that takes it to n messages, then holds that batch without returning (so
 * none of it is acknowledged) until the process is killed. Arguments: topic, group, n,
 * then --property=value pairs.
 */
public final class CrashingBatchConsumer {

	private CrashingBatchConsumer() {
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
		messaging.subscribeBatch(new SubscriptionSpec(topic, group, 2), 20, Numbered.class, RetrySettings.DEFAULT,
				(payloads, contexts) -> {
					if (handled.addAndGet(payloads.size()) >= holdAt) {
						payloads.forEach((payload) -> say("HOLDING " + payload.key() + " " + payload.seq()));
						never.await();
					}
					payloads.forEach((payload) -> say("HANDLED " + payload.key() + " " + payload.seq()));
				});
		say("SUBSCRIBED");
		never.await();
	}

	private static synchronized void say(String line) {
		System.out.println(line);
		System.out.flush();
	}

}
