package io.mqlab.recommendation.recommend;

/**
 * One recommended product.
 *
 * @param sku the product
 * @param score higher is better; only comparable within one answer
 * @param reason why, for people: "co-viewed with X", "bought together with Y", "trending"
 * @param basis the kind of reason: CO_VIEWED, BOUGHT_TOGETHER or TRENDING
 * @param because the product it relates to, or {@code null} for trending
 */
public record Recommendation(String sku, double score, String reason, Basis basis, String because) {

	/** The kinds of reasons. */
	public enum Basis {

		CO_VIEWED("co-viewed with "), BOUGHT_TOGETHER("bought together with "), TRENDING("trending");

		private final String text;

		Basis(String text) {
			this.text = text;
		}

		String reason(String because) {
			return (because != null) ? this.text + because : this.text;
		}

	}

	static Recommendation of(String sku, double score, Basis basis, String because) {
		return new Recommendation(sku, round(score), basis.reason(because), basis, because);
	}

	static double round(double score) {
		return Math.round(score * 1_000_000d) / 1_000_000d;
	}

}
