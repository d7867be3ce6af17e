/**
 * Samples in, rollups out: the listener on {@code metrics}, the rollups and instances in
 * Redis, and the API that reads them.
 */
package io.mqlab.monitoring.metrics;
