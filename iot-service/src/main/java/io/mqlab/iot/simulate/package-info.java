/**
 * Simulated devices for {@code ./mqlab devices}: MQTT clients that speak the device
 * protocol of the README.
 */
package io.mqlab.iot.simulate;
