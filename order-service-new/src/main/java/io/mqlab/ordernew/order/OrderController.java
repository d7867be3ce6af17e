package io.mqlab.ordernew.order;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.springframework.data.domain.PageRequest;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping("/orders")
class OrderController {

	private final PricedOrderRepository orders;

	OrderController(PricedOrderRepository orders) {
		this.orders = orders;
	}

	@GetMapping("/{id}")
	OrderView get(@PathVariable UUID id) {
		return this.orders.findById(id)
			.map(PricedOrder::document)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No order " + id));
	}

	@GetMapping
	List<OrderView> byCustomer(@RequestParam @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String customerId,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		return this.orders.findByCustomerIdOrderByPlacedAtDesc(customerId, PageRequest.of(0, limit))
			.stream()
			.map(PricedOrder::document)
			.toList();
	}

}
