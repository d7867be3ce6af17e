package io.mqlab.iot.command;

/**
 * Where a command is: PENDING (accepted), DELIVERED (Mosquitto queued it for the device
 * or sent it), then one of SUCCEEDED, FAILED (the device's answer, or no device session
 * to take it) and EXPIRED (its time to live passed without an answer). The last three are
 * final.
 */
public enum CommandStatus {

	PENDING, DELIVERED, SUCCEEDED, FAILED, EXPIRED

}
