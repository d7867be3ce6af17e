/**
 * Devices as the platform knows them: the consumers of what the bridge forwards
 * (telemetry, state, status, rejections) keep each device's last values and a short
 * history in Redis, and the REST endpoints serve them.
 */
package io.mqlab.iot.device;
