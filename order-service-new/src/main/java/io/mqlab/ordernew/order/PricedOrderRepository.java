package io.mqlab.ordernew.order;

import java.util.List;
import java.util.UUID;

import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

interface PricedOrderRepository extends JpaRepository<PricedOrder, UUID> {

	List<PricedOrder> findByCustomerIdOrderByPlacedAtDesc(String customerId, Pageable pageable);

}
