/**
 * A load of catalog changes for the change data capture ({@code ./mqlab catalog}), then
 * cdc-service's consistency check.
 */
package io.mqlab.catalog.simulate;
