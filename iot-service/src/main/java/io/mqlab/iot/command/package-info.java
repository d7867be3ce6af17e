/**
 * Commands to devices: accepted over REST, sent through the backend to the bridge and on
 * to the device, followed from PENDING to DELIVERED to SUCCEEDED, FAILED or EXPIRED.
 */
package io.mqlab.iot.command;
