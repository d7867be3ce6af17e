/**
 * Products: created, changed (optimistically, by version), deleted, read and imported in
 * bulk. Every write lands in the {@code products} table, whose log cdc-service captures.
 */
package io.mqlab.catalog.product;
