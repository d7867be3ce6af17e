package io.mqlab.order.order;

/**
 * Where an order is in its life.
 */
public enum OrderStatus {

	PLACED, PAID, CANCELLED

}
