/**
 * The source compared with every sink row by row.
 */
package io.mqlab.cdc.consistency;
