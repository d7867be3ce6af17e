/**
 * Serving: recommendations, trending and related products, from the aggregated state
 * only.
 */
package io.mqlab.recommendation.recommend;
