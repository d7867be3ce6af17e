package io.mqlab.catalog.product;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mqlab.support.Problems;
import io.mqlab.support.Problems.FieldError;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The products API. A change names the version it was based on: the stale one of two
 * concurrent writers gets 409 and reads again.
 */
@RestController
@RequestMapping("/products")
class ProductController {

	/** How deep the list pages ({@code page * size}): beyond, an offset scan grows. */
	static final int MAX_PAGE_DEPTH = 10_000;

	/** Rejected fields listed in one answer, so a bad import's answer stays small. */
	static final int MAX_ERRORS = 100;

	private final ProductRepository products;

	private final ProductImport productImport;

	private final Validator validator;

	ProductController(ProductRepository products, ProductImport productImport, Validator validator) {
		this.products = products;
		this.productImport = productImport;
		this.validator = validator;
	}

	@PostMapping
	ResponseEntity<Object> create(@Valid @RequestBody NewProduct product) {
		if (this.products.existsById(product.sku())) {
			return exists(product.sku());
		}
		Product saved;
		try {
			saved = this.products.saveAndFlush(product.toProduct(now()));
		}
		catch (DataIntegrityViolationException ex) {
			// created by a concurrent request since the check
			return exists(product.sku());
		}
		return ResponseEntity.created(URI.create("/products/" + saved.sku())).body(ProductView.of(saved));
	}

	@PutMapping("/{sku}")
	@Transactional
	ResponseEntity<Object> update(@PathVariable @Pattern(regexp = NewProduct.SKU) String sku,
			@Valid @RequestBody ProductChange change) {
		Optional<Product> found = this.products.findById(sku);
		if (found.isEmpty()) {
			return notFound(sku);
		}
		Product product = found.get();
		if (!product.version().equals(change.version())) {
			return conflict(sku, "Product " + sku + " is at version " + product.version() + ", not " + change.version()
					+ ": read it again and apply the change to it", product.version());
		}
		product.change(change, now());
		// the UPDATE ... WHERE version = ? runs here: a concurrent writer's commit shows
		// now
		this.products.flush();
		return ResponseEntity.ok(ProductView.of(product));
	}

	@DeleteMapping("/{sku}")
	ResponseEntity<Object> delete(@PathVariable @Pattern(regexp = NewProduct.SKU) String sku) {
		return (this.products.deleteBySku(sku) == 1) ? ResponseEntity.noContent().build() : notFound(sku);
	}

	@GetMapping("/{sku}")
	ResponseEntity<Object> get(@PathVariable @Pattern(regexp = NewProduct.SKU) String sku) {
		return this.products.findById(sku)
			.<ResponseEntity<Object>>map((product) -> ResponseEntity.ok(ProductView.of(product)))
			.orElseGet(() -> notFound(sku));
	}

	@GetMapping
	ResponseEntity<Object> list(@RequestParam(defaultValue = "0") @Min(0) int page,
			@RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
		if ((long) page * size >= MAX_PAGE_DEPTH) {
			return ResponseEntity.badRequest()
				.body(Problems.validation(List.of(new FieldError("page",
						"page * size must be below " + MAX_PAGE_DEPTH + ": the list pages no deeper"))));
		}
		Page<Product> found = this.products.findAll(PageRequest.of(page, size, Sort.by("sku")));
		return ResponseEntity
			.ok(new ProductPage(page, size, found.getTotalElements(), found.stream().map(ProductView::of).toList()));
	}

	/**
	 * Up to {@value ProductImport#MAX_PRODUCTS} products, all written or none; an
	 * existing sku is updated. Every element is validated first: a bad one names its
	 * index.
	 */
	@PostMapping("/import")
	ResponseEntity<Object> importProducts(@RequestBody List<NewProduct> products) {
		List<FieldError> errors = validate(products);
		if (!errors.isEmpty()) {
			return ResponseEntity.badRequest().body(Problems.validation(errors));
		}
		return ResponseEntity.ok(new Imported(this.productImport.upsert(products, now())));
	}

	@ExceptionHandler(ObjectOptimisticLockingFailureException.class)
	ResponseEntity<Object> concurrentlyChanged(ObjectOptimisticLockingFailureException ex) {
		String sku = String.valueOf(ex.getIdentifier());
		return conflict(sku, "Product " + sku + " was changed or deleted by another request meanwhile: read it again",
				null);
	}

	private List<FieldError> validate(List<NewProduct> products) {
		List<FieldError> errors = new ArrayList<>();
		if (products.size() > ProductImport.MAX_PRODUCTS) {
			errors.add(new FieldError("products",
					"at most " + ProductImport.MAX_PRODUCTS + " in one import, not " + products.size() + ": split it"));
			return errors;
		}
		Map<String, Integer> seen = new HashMap<>();
		for (int i = 0; i < products.size() && errors.size() < MAX_ERRORS; i++) {
			NewProduct product = products.get(i);
			if (product == null) {
				errors.add(new FieldError("[" + i + "]", "must not be null"));
				continue;
			}
			for (ConstraintViolation<NewProduct> violation : this.validator.validate(product)) {
				errors.add(new FieldError("[" + i + "]." + violation.getPropertyPath(), violation.getMessage()));
			}
			Integer first = (product.sku() != null) ? seen.putIfAbsent(product.sku(), i) : null;
			if (first != null) {
				errors.add(new FieldError("[" + i + "].sku", "appears twice in the import (also at [" + first + "])"));
			}
		}
		return (errors.size() > MAX_ERRORS) ? errors.subList(0, MAX_ERRORS) : errors;
	}

	private static Instant now() {
		// what PostgreSQL keeps of it, so the answer shows what is stored
		return Instant.now().truncatedTo(ChronoUnit.MICROS);
	}

	private static ResponseEntity<Object> notFound(String sku) {
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.body(Problems.of(HttpStatus.NOT_FOUND, "product-not-found", "Product not found",
					"No product with sku " + sku, Map.of("sku", sku)));
	}

	private static ResponseEntity<Object> exists(String sku) {
		return ResponseEntity.status(HttpStatus.CONFLICT)
			.body(Problems.of(HttpStatus.CONFLICT, "product-exists", "Product exists",
					"A product with sku " + sku + " exists: change it with PUT /products/" + sku, Map.of("sku", sku)));
	}

	private static ResponseEntity<Object> conflict(String sku, String detail, Long currentVersion) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("sku", sku);
		if (currentVersion != null) {
			properties.put("currentVersion", currentVersion);
		}
		return ResponseEntity.status(HttpStatus.CONFLICT)
			.body(Problems.of(HttpStatus.CONFLICT, "version-conflict", "Version conflict", detail, properties));
	}

	/** One page of products, by sku. */
	record ProductPage(int page, int size, long total, List<ProductView> items) {

	}

	/** How many products an import wrote (inserted or updated). */
	record Imported(int imported) {

	}

}
