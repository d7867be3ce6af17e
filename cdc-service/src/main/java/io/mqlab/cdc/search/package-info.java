/**
 * The search sink: the OpenSearch index of the products, externally versioned by the LSN.
 */
package io.mqlab.cdc.search;
