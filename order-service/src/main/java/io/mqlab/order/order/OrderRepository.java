package io.mqlab.order.order;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

interface OrderRepository extends JpaRepository<Order, UUID> {

	Optional<Order> findByIdempotencyKey(String idempotencyKey);

	List<Order> findByCustomerIdOrderByPlacedAtDesc(String customerId, Pageable pageable);

}
