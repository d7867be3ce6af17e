package io.mqlab.order.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.outbox.Outbox;
import io.mqlab.support.Problems;
import io.mqlab.support.Problems.FieldError;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

/**
 * Places an order: replays a retried request with the same Idempotency-Key, prices with
 * the legacy rules, saves, and writes {@code OrderPlaced}, the mirrored request and the
 * order's delayed {@link PaymentTimedOut} to the outbox in the same transaction, so
 * nothing is published for an order that was not saved and nothing saved goes
 * unpublished.
 */
@Component
class OrderPlacement {

	private static final Log logger = LogFactory.getLog(OrderPlacement.class);

	private final OrderRepository orders;

	private final Outbox outbox;

	private final OrderTopics topics;

	private final OrderSettings settings;

	private final JsonMapper jsonMapper;

	private final Clock clock;

	OrderPlacement(OrderRepository orders, Outbox outbox, OrderTopics topics, OrderSettings settings,
			JsonMapper jsonMapper, Optional<Clock> clock) {
		this.orders = orders;
		this.outbox = outbox;
		this.topics = topics;
		this.settings = settings;
		this.jsonMapper = jsonMapper;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/** The placed order, and whether it was placed earlier under the same key. */
	record Placed(Order order, boolean replayed) {

	}

	@Transactional
	public Placed place(PlaceOrder request, String idempotencyKey) {
		String hash = hash(request);
		if (idempotencyKey != null) {
			Optional<Order> earlier = this.orders.findByIdempotencyKey(idempotencyKey);
			if (earlier.isPresent()) {
				if (!hash.equals(earlier.get().getRequestHash())) {
					throw new ErrorResponseException(HttpStatus.UNPROCESSABLE_CONTENT,
							Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
									"Idempotency-Key reused",
									"Idempotency-Key '" + idempotencyKey + "' was used for a different request",
									Map.of()),
							null);
				}
				return new Placed(earlier.get(), true);
			}
		}
		if (request.couponCode() != null && !LegacyPricing.COUPONS.contains(request.couponCode())) {
			throw new ErrorResponseException(HttpStatus.BAD_REQUEST,
					Problems.validation(List.of(new FieldError("couponCode", "unknown coupon"))), null);
		}
		// the database keeps microseconds: the API and the events show what is stored
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		Order order = this.orders.saveAndFlush(
				new Order(UUID.randomUUID(), request, LegacyPricing.price(request), now, idempotencyKey, hash));
		String key = order.getId().toString();
		this.outbox.publish(this.topics.placed(), key, OrderPlaced.of(order));
		this.outbox.publish(this.topics.requests(), key, new OrderRequested(order.getId(), request, now));
		// due from placement: an outbox held back by a broker outage does not extend it
		Instant due = now.plus(this.settings.paymentTimeout());
		this.outbox
			.publish(OutgoingMessage.of(this.topics.paymentTimeouts(), key, new PaymentTimedOut(order.getId(), due))
				.deliverAt(due));
		// one line per order, in the request's trace: the logs can follow it across
		// services
		logger.info("Placed order " + key + ": total " + order.getTotal() + " " + request.currency());
		return new Placed(order, false);
	}

	private String hash(PlaceOrder request) {
		try {
			byte[] json = this.jsonMapper.writeValueAsString(request).getBytes(StandardCharsets.UTF_8);
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
