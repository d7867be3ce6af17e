/**
 * The capture role: Debezium reads the catalog's transaction log and publishes each
 * change.
 */
package io.mqlab.cdc.capture;
