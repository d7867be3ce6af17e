/**
 * Where the capture and each sink stand: slot, retained WAL, applied LSN and lag.
 */
package io.mqlab.cdc.status;
