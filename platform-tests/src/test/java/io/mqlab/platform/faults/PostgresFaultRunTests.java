package io.mqlab.platform.faults;

/** The short fault run ({@link FaultPlan#suite()}) in the default build. */
class PostgresFaultRunTests extends PostgresFaultRunCheck {

	@Override
	protected FaultPlan plan() {
		return FaultPlan.suite();
	}

}
