/**
 * The shipper role: tails log files and publishes their lines to the queue, with durable
 * checkpoints.
 */
package io.mqlab.logs.ship;
