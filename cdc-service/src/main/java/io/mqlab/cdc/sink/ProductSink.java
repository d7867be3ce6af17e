package io.mqlab.cdc.sink;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.mqlab.cdc.change.Product;

/** A store the changes are applied to, read back row by row for the consistency check. */
public interface ProductSink {

	/** cache, search or replica. */
	String name();

	/** The live (not deleted) rows of these SKUs that the sink holds. */
	Map<String, Product> read(Collection<String> skus);

	/** Hands every live SKU the sink holds to the consumer, a page at a time. */
	void forEachSkuPage(Consumer<List<String>> page);

	/** Where this sink stands. */
	SinkProgress progress();

}
