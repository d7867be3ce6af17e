package io.mqlab.recommendation.aggregate;

import io.mqlab.recommendation.click.ClickType;

/**
 * Every kind of interaction and how much interest it shows: a purchase counts eight
 * views.
 */
public enum Signal {

	VIEW(1), CLICK(2), ADD_TO_CART(4), PURCHASE(8);

	private final double weight;

	Signal(double weight) {
		this.weight = weight;
	}

	public double weight() {
		return this.weight;
	}

	static Signal of(ClickType type) {
		return switch (type) {
			case VIEW -> VIEW;
			case CLICK -> CLICK;
			case ADD_TO_CART -> ADD_TO_CART;
		};
	}

}
