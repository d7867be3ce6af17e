package io.mqlab.messaging.contract;

import java.util.List;

import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.listener.MessageListener;

/**
 * A batch listener the library runs, as a sink declares one: it records what it handles.
 */
public final class BatchRecordingListener {

	private final Recorder recorder;

	private final String member;

	public BatchRecordingListener(Recorder recorder, String member) {
		this.recorder = recorder;
		this.member = member;
	}

	@MessageListener(topic = "${contract.listener.topic}", group = "${contract.listener.group}", concurrency = "4",
			batch = "50")
	void on(List<Numbered> payloads, List<MessageContext> contexts) {
		for (int i = 0; i < payloads.size(); i++) {
			this.recorder.record(this.member, payloads.get(i), contexts.get(i));
		}
	}

}
