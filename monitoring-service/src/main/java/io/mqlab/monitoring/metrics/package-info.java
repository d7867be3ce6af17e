/**
 * Samples in, rollups out: the processing step both engines run and the messaging
 * engine's listener on {@code metrics}, the rollups and instances in Redis, and the API
 * that reads them.
 */
package io.mqlab.monitoring.metrics;
