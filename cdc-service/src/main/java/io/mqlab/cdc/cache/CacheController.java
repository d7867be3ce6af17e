package io.mqlab.cdc.cache;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import jakarta.validation.constraints.Pattern;

/** Reads a product from the cache, as the catalog's readers would. */
@RestController
@ConditionalOnBooleanProperty(name = "mqlab.cdc.sinks.cache.enabled", matchIfMissing = true)
class CacheController {

	private final RedisProductCache cache;

	CacheController(RedisProductCache cache) {
		this.cache = cache;
	}

	@GetMapping("/cache/products/{sku}")
	RedisProductCache.CachedProduct product(
			@PathVariable @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}", message = "must be a SKU") String sku) {
		RedisProductCache.CachedProduct product = this.cache.get(sku);
		if (product == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No product " + sku + " in the cache");
		}
		return product;
	}

}
