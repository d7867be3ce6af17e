/**
 * The cache sink: a Redis hash per product, written by a compare-and-set on the LSN.
 */
package io.mqlab.cdc.cache;
