/**
 * Orders: taking, pricing and publishing them.
 */
package io.mqlab.order.order;
