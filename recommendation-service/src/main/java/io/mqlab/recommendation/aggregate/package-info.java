/**
 * The stream-processing step: the scoring rules, the engines that apply them, and the
 * aggregated state in Redis.
 */
package io.mqlab.recommendation.aggregate;
