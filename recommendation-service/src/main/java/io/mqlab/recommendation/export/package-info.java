/**
 * Training data: counted clicks and closed trending buckets as date-partitioned gzip JSON
 * Lines.
 */
package io.mqlab.recommendation.export;
