package io.mqlab.order.order;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.LockModeType;

import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface OrderRepository extends JpaRepository<Order, UUID> {

	Optional<Order> findByIdempotencyKey(String idempotencyKey);

	List<Order> findByCustomerIdOrderByPlacedAtDesc(String customerId, Pageable pageable);

	/**
	 * The order with its row locked until the transaction ends: payment and payment
	 * timeout go one after the other.
	 */
	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select o from Order o where o.id = :id")
	Optional<Order> findForUpdate(UUID id);

	/** Ids of the orders in a status placed before a time, oldest first. */
	@Query("select o.id from Order o where o.status = :status and o.placedAt < :before order by o.placedAt")
	List<UUID> findIdsByStatusAndPlacedAtBefore(OrderStatus status, Instant before, Pageable pageable);

}
