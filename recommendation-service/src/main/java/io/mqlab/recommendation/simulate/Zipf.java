package io.mqlab.recommendation.simulate;

import java.util.Random;

/**
 * Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s: a few items get
 * most of the attention, as in real shops.
 */
final class Zipf {

	private final double[] cumulative;

	Zipf(int n, double exponent) {
		this.cumulative = new double[n];
		double sum = 0;
		for (int i = 0; i < n; i++) {
			sum += 1 / Math.pow(i + 1, exponent);
			this.cumulative[i] = sum;
		}
		for (int i = 0; i < n; i++) {
			this.cumulative[i] /= sum;
		}
	}

	int next(Random random) {
		double u = random.nextDouble();
		for (int i = 0; i < this.cumulative.length; i++) {
			if (u <= this.cumulative[i]) {
				return i;
			}
		}
		return this.cumulative.length - 1;
	}

}
