/**
 * The change event between the capture and the sinks, and the product row they carry.
 */
package io.mqlab.cdc.change;
