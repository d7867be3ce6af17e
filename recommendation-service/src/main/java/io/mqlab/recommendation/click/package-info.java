/**
 * Clicks: taking them over HTTP and publishing them to the clicks topic.
 */
package io.mqlab.recommendation.click;
