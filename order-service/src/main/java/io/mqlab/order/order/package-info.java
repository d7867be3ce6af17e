/**
 * Orders: taking, pricing and publishing them, then their payment or, when it does not
 * come in time, their cancellation.
 */
package io.mqlab.order.order;
