package io.mqlab.reconciliation.reconcile;

/**
 * Which service an event came from.
 */
public enum Side {

	LEGACY, NEW

}
