package io.mqlab.recommendation.simulate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A simulated shop: products in hidden groups (things that belong together), Zipf
 * popularity of groups and of products within a group, and sessions that mostly stay in
 * one group with some random noise. Seeded, so a run can be repeated exactly.
 *
 * @param prefix put in front of every sku and user id, so runs do not mix
 * @param groups how many hidden groups
 * @param productsPerGroup products in each group
 * @param users how many users the sessions belong to
 * @param noise chance that a click goes to any product instead of the session's group
 */
public record Shop(String prefix, int groups, int productsPerGroup, int users, double noise) {

	/** The sku of product {@code p} of group {@code g}. */
	public String sku(int group, int product) {
		return this.prefix + "G" + group + "-P" + product;
	}

	/** The hidden group of a sku of this shop, or -1. */
	public int groupOf(String sku) {
		if (!sku.startsWith(this.prefix + "G")) {
			return -1;
		}
		String rest = sku.substring(this.prefix.length() + 1);
		return Integer.parseInt(rest.substring(0, rest.indexOf('-')));
	}

	/**
	 * Simulated sessions, in time order, of about {@code clicks} clicks in all, the last
	 * at {@code end}, spaced {@code spacing} apart ({@code end} null: no times, the
	 * service takes the time it receives them).
	 */
	public List<SimulatedClick> sessions(int clicks, long seed, Instant end, Duration spacing) {
		Random random = new Random(seed);
		Zipf groupPopularity = new Zipf(this.groups, 1.0);
		Zipf productPopularity = new Zipf(this.productsPerGroup, 0.8);
		List<SimulatedClick> out = new ArrayList<>(clicks);
		int session = 0;
		while (out.size() < clicks) {
			int group = groupPopularity.next(random);
			String user = this.prefix.toLowerCase() + "u" + random.nextInt(this.users);
			String sessionId = "s" + seed + "-" + (session++);
			int length = 3 + random.nextInt(5);
			for (int i = 0; i < length && out.size() < clicks; i++) {
				int g = (random.nextDouble() < this.noise) ? random.nextInt(this.groups) : group;
				double kind = random.nextDouble();
				String type = (kind < 0.8) ? "VIEW" : (kind < 0.95) ? "CLICK" : "ADD_TO_CART";
				out.add(new SimulatedClick(user, sku(g, productPopularity.next(random)), type, sessionId, null));
			}
		}
		if (end == null) {
			return out;
		}
		List<SimulatedClick> timed = new ArrayList<>(out.size());
		for (int i = 0; i < out.size(); i++) {
			SimulatedClick click = out.get(i);
			timed.add(new SimulatedClick(click.userId(), click.sku(), click.type(), click.sessionId(),
					end.minus(spacing.multipliedBy(out.size() - 1 - i))));
		}
		return timed;
	}

}
