package io.mqlab.reconciliation.reconcile;

import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.listener.MessageListener;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Listens to both services' topics in this service's own group. Each listener is
 * idempotent: the message id is recorded with the event, so a redelivered event never
 * counts twice.
 */
@Component
class OrderEvents {

	private final Reconciler reconciler;

	OrderEvents(Reconciler reconciler) {
		this.reconciler = reconciler;
	}

	@MessageListener(topic = "${mqlab.reconciliation.legacy-topic:ORDER}",
			group = "${mqlab.reconciliation.group:reconciliation}", idempotent = true)
	void onLegacy(JsonNode event, MessageContext context) {
		this.reconciler.record(Side.LEGACY, context.envelope().payload(), context.envelope().id());
	}

	@MessageListener(topic = "${mqlab.reconciliation.new-topic:ORDERNEW}",
			group = "${mqlab.reconciliation.group:reconciliation}", idempotent = true)
	void onNew(JsonNode event, MessageContext context) {
		this.reconciler.record(Side.NEW, context.envelope().payload(), context.envelope().id());
	}

}
