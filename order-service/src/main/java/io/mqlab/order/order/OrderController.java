package io.mqlab.order.order;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/orders")
class OrderController {

	private final OrderPlacement placement;

	private final OrderPayment payment;

	private final OrderRepository orders;

	OrderController(OrderPlacement placement, OrderPayment payment, OrderRepository orders) {
		this.placement = placement;
		this.payment = payment;
		this.orders = orders;
	}

	@PostMapping
	ResponseEntity<OrderView> place(@Valid @RequestBody PlaceOrder request, @RequestHeader(name = "Idempotency-Key",
			required = false) @Pattern(regexp = "[A-Za-z0-9_.:-]{1,128}") String idempotencyKey) {
		OrderPlacement.Placed placed;
		try {
			placed = this.placement.place(request, idempotencyKey);
		}
		catch (DataIntegrityViolationException ex) {
			if (idempotencyKey == null) {
				throw ex;
			}
			// the same key raced in from a concurrent retry: now the first order is there
			placed = this.placement.place(request, idempotencyKey);
		}
		OrderView view = OrderView.of(placed.order());
		return ResponseEntity.status(placed.replayed() ? HttpStatus.OK : HttpStatus.CREATED)
			.location(URI.create("/orders/" + view.id()))
			.header("Idempotent-Replayed", Boolean.toString(placed.replayed()))
			.body(view);
	}

	@GetMapping("/{id}")
	OrderView get(@PathVariable UUID id) {
		return this.orders.findById(id).map(OrderView::of).orElseThrow(() -> OrderProblems.notFound(id));
	}

	/**
	 * Pays an order: 200 with the paid order, also when the same payment (reference and
	 * amount) is retried; 409 when the order was cancelled or paid by another payment,
	 * 422 when the amount is not the order's total.
	 */
	@PostMapping("/{id}/pay")
	ResponseEntity<OrderView> pay(@PathVariable UUID id, @Valid @RequestBody PayOrder request) {
		OrderPayment.Paid paid = this.payment.pay(id, request);
		return ResponseEntity.ok()
			.header("Idempotent-Replayed", Boolean.toString(paid.replayed()))
			.body(OrderView.of(paid.order()));
	}

	@GetMapping
	List<OrderView> byCustomer(@RequestParam @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String customerId,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		return this.orders.findByCustomerIdOrderByPlacedAtDesc(customerId, PageRequest.of(0, limit))
			.stream()
			.map(OrderView::of)
			.toList();
	}

}
