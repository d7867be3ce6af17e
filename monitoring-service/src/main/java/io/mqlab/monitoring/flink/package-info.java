/**
 * The opt-in Flink engine ({@code mqlab.monitoring.engine=flink}, kafka backend): the
 * same processing step as the messaging engine, run as a Flink DataStream job, in a local
 * mini-cluster inside the service or submitted to a Flink cluster. Nothing here is loaded
 * with the default engine.
 */
package io.mqlab.monitoring.flink;
