package io.mqlab.catalog.product;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

interface ProductRepository extends JpaRepository<Product, String> {

	/** One DELETE, without reading the row first; 1 if it was there. */
	@Transactional
	@Modifying
	@Query("DELETE FROM Product p WHERE p.sku = :sku")
	int deleteBySku(String sku);

}
