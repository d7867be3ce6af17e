package io.mqlab.order.order;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;

import io.mqlab.support.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * The problem details of the order API beyond bad input (which service-support answers).
 */
final class OrderProblems {

	private OrderProblems() {
	}

	static ErrorResponseException notFound(UUID id) {
		return problem(HttpStatus.NOT_FOUND, "order-not-found", "Order not found", "No order " + id, id);
	}

	static ErrorResponseException cancelled(Order order) {
		return problem(HttpStatus.CONFLICT, "order-cancelled", "Order cancelled", "Order " + order.getId()
				+ " was cancelled at " + order.getCancelledAt() + " because it was not paid in time; it cannot be paid",
				order.getId());
	}

	static ErrorResponseException alreadyPaid(Order order) {
		return problem(HttpStatus.CONFLICT, "order-already-paid", "Order already paid",
				"Order " + order.getId() + " was paid at " + order.getPaidAt() + " by another payment", order.getId());
	}

	static ErrorResponseException amountMismatch(Order order, BigDecimal amount) {
		return problem(HttpStatus.UNPROCESSABLE_CONTENT, "payment-amount-mismatch", "Payment amount mismatch",
				"Order " + order.getId() + " costs " + order.getTotal() + " " + order.getCurrency() + ", not "
						+ amount.toPlainString(),
				order.getId());
	}

	private static ErrorResponseException problem(HttpStatus status, String type, String title, String detail,
			UUID orderId) {
		return new ErrorResponseException(status,
				Problems.of(status, type, title, detail, Map.of("orderId", orderId.toString())), null);
	}

}
