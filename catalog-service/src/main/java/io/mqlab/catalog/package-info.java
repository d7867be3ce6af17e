/**
 * The catalog service: products in PostgreSQL, the source of the change data capture.
 */
package io.mqlab.catalog;
