package io.mqlab.catalog.product;

import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.mqlab.support.ServiceSupportAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Bad input is a 400 problem naming the field, and reaches no database: the repository
 * and the import are stand-ins here only to prove that nothing was asked of them.
 */
@WebMvcTest(controllers = ProductController.class, properties = "spring.config.name=catalog-service")
@ImportAutoConfiguration(ServiceSupportAutoConfiguration.class)
class ProductValidationTests {

	static final String GOOD = """
			{"sku": "CAM-1", "name": "Camera", "description": "A camera", "price": 12.50, "currency": "EUR",
			 "stock": 3, "tags": ["camera"]}""";

	@Autowired
	MockMvc mvc;

	@MockitoBean
	ProductRepository products;

	@MockitoBean
	ProductImport productImport;

	@ParameterizedTest(name = "{0} = {1}")
	@CsvSource(delimiter = '|', textBlock = """
			sku         | ""                   | sku
			sku         | "-CAM"               | sku
			sku         | "CAM 1"              | sku
			sku         | null                 | sku
			name        | ""                   | name
			name        | "a\\u0000b"          | name
			description | "\\u0007"            | description
			price       | -0.01                | price
			price       | 1.001                | price
			price       | 12345678901.00       | price
			price       | null                 | price
			currency    | "eur"                | currency
			currency    | "EURO"               | currency
			stock       | -1                   | stock
			stock       | null                 | stock
			tags        | ["ok", ""]           | tags[1]
			tags        | ["-x"]               | tags[0]
			tags        | [null]               | tags[0]
			""")
	void aBadFieldOfANewProductIsA400NamingIt(String field, String value, String named) throws Exception {
		this.mvc.perform(post("/products").contentType(MediaType.APPLICATION_JSON).content(with(GOOD, field, value)))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.errors[0].field").value(named));
		verifyNoInteractions(this.products, this.productImport);
	}

	@Test
	void overlongTextAndTooManyTagsAreRejected() throws Exception {
		String tags = IntStream.range(0, 21)
			.mapToObj((i) -> "\"t" + i + "\"")
			.collect(Collectors.joining(",", "[", "]"));
		String[][] cases = { { "name", "\"" + "n".repeat(201) + "\"", "name" },
				{ "description", "\"" + "d".repeat(2001) + "\"", "description" }, { "tags", tags, "tags" },
				{ "tags", "[\"" + "t".repeat(33) + "\"]", "tags[0]" } };
		for (String[] bad : cases) {
			this.mvc
				.perform(post("/products").contentType(MediaType.APPLICATION_JSON).content(with(GOOD, bad[0], bad[1])))
				.andExpect(status().isBadRequest())
				.andExpect(jsonPath("$.errors[0].field").value(bad[2]));
		}
		verifyNoInteractions(this.products, this.productImport);
	}

	@Test
	void aChangeWithoutAVersionOrWithASkuIsRejected() throws Exception {
		String change = """
				{"name": "Camera", "price": 12.50, "currency": "EUR", "stock": 3, "version": 0}""";
		this.mvc
			.perform(put("/products/CAM-1").contentType(MediaType.APPLICATION_JSON)
				.content(with(change, "version", "null")))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("version"));
		this.mvc
			.perform(put("/products/CAM-1").contentType(MediaType.APPLICATION_JSON)
				.content(change.replace("{", "{\"sku\": \"CAM-1\", ")))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.type").value("urn:mqlab:problem:unknown-field"))
			.andExpect(jsonPath("$.errors[0].field").value("sku"));
		this.mvc.perform(put("/products/-bad").contentType(MediaType.APPLICATION_JSON).content(change))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("sku"));
		verifyNoInteractions(this.products, this.productImport);
	}

	@Test
	void pagesAreBoundedInSizeAndDepth() throws Exception {
		this.mvc.perform(get("/products?size=201"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("size"));
		this.mvc.perform(get("/products?page=-1"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("page"));
		this.mvc.perform(get("/products?page=50&size=200"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("page"));
		verifyNoInteractions(this.products, this.productImport);
	}

	@Test
	void anImportIsBoundedAndNamesTheElementOfABadField() throws Exception {
		this.mvc
			.perform(post("/products/import").contentType(MediaType.APPLICATION_JSON)
				.content("[" + GOOD + "," + with(with(GOOD, "currency", "\"eur\""), "sku", "\"CAM-2\"") + ", null]"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("[1].currency"))
			.andExpect(jsonPath("$.errors[1].field").value("[2]"));
		String tooMany = IntStream.range(0, 10_001)
			.mapToObj((i) -> with(GOOD, "sku", "\"S-" + i + "\""))
			.collect(Collectors.joining(",", "[", "]"));
		this.mvc.perform(post("/products/import").contentType(MediaType.APPLICATION_JSON).content(tooMany))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("products"));
		this.mvc
			.perform(post("/products/import").contentType(MediaType.APPLICATION_JSON)
				.content("[" + GOOD.replace("\"stock\"", "\"stocks\"") + "]"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("[0].stocks"));
		verifyNoInteractions(this.products, this.productImport);
	}

	/** The JSON object with one field's value replaced. */
	static String with(String json, String field, String value) {
		return json.replaceFirst("\"" + field + "\": (\"[^\"]*\"|\\[[^\\]]*\\]|[^,}]+)",
				Matcher.quoteReplacement("\"" + field + "\": " + value));
	}

}
