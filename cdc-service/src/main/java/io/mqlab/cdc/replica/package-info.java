/**
 * The replica sink: the products in MariaDB, upserted only by a newer LSN.
 */
package io.mqlab.cdc.replica;
