/**
 * What every sink shares: reading its rows back for the consistency check, and its
 * progress.
 */
package io.mqlab.cdc.sink;
