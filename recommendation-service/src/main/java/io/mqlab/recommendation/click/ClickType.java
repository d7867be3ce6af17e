package io.mqlab.recommendation.click;

/**
 * What a user did with a product, from weakest to strongest interest.
 */
public enum ClickType {

	VIEW, CLICK, ADD_TO_CART

}
