/**
 * The MQTT bridge: devices' messages from Mosquitto to the messaging backend
 * (acknowledged to Mosquitto only once the backend holds them), commands from the backend
 * to Mosquitto, and Mosquitto's dropped-message count.
 */
package io.mqlab.iot.bridge;
