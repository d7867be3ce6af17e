package io.mqlab.monitoring.rules;

/** How a rule compares a value with its threshold. */
public enum Op {

	GT(">"), GE(">="), LT("<"), LE("<=");

	private final String symbol;

	Op(String symbol) {
		this.symbol = symbol;
	}

	public String symbol() {
		return this.symbol;
	}

	public boolean test(double value, double threshold) {
		return switch (this) {
			case GT -> value > threshold;
			case GE -> value >= threshold;
			case LT -> value < threshold;
			case LE -> value <= threshold;
		};
	}

	/** Whether the rule watches for values going up (or down). */
	public boolean upward() {
		return this == GT || this == GE;
	}

	/** The operator for a symbol, or {@code null}. */
	public static Op of(String symbol) {
		for (Op op : values()) {
			if (op.symbol.equals(symbol)) {
				return op;
			}
		}
		return null;
	}

}
