package io.mqlab.monitoring.rules;

/**
 * One alert's state: one rule on one series.
 *
 * @param phase where it is
 * @param seq how many notified transitions it made (the dedup key's sequence)
 * @param since when it entered the phase, epoch milliseconds (event time)
 * @param pendingSince when the condition started to hold, or 0
 * @param clearSince when the value started to stay clear (while firing), or 0
 * @param lastAt the event time of the last sample taken into account, or 0
 * @param lastRaw that sample's value (what rates and growth are computed from)
 * @param value the last value compared with the threshold ({@code NaN}: none yet)
 */
public record AlertState(Phase phase, long seq, long since, long pendingSince, long clearSince, long lastAt,
		double lastRaw, double value) {

	public static final AlertState NEW = new AlertState(Phase.INACTIVE, 0, 0, 0, 0, 0, Double.NaN, Double.NaN);

	public boolean active() {
		return this.phase == Phase.PENDING || this.phase == Phase.FIRING;
	}

}
