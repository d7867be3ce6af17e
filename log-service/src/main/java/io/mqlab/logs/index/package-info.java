/**
 * The indexer role: bulk-indexes shipped lines into daily OpenSearch indices, and applies
 * the retention.
 */
package io.mqlab.logs.index;
