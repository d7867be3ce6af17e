package io.mqlab.messaging.contract;

import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.listener.MessageListener;

/**
 * A listener the library runs, as a service declares one: it records what it handles.
 */
public final class RecordingListener {

	private final Recorder recorder;

	private final String member;

	public RecordingListener(Recorder recorder, String member) {
		this.recorder = recorder;
		this.member = member;
	}

	@MessageListener(topic = "${contract.listener.topic}", group = "${contract.listener.group}", concurrency = "4")
	void on(Numbered payload, MessageContext context) {
		this.recorder.record(this.member, payload, context);
	}

}
