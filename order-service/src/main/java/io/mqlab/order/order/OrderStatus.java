package io.mqlab.order.order;

/**
 * Where an order is in its life: {@code PLACED} waits for its payment, which makes it
 * {@code PAID}, or for its payment timeout, which makes it {@code CANCELLED}. Both ends
 * are final.
 */
public enum OrderStatus {

	PLACED, PAID, CANCELLED

}
