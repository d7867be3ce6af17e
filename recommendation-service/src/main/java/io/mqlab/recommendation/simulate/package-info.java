/**
 * A click simulator with hidden product groups and Zipf popularity (./mqlab clicks), used
 * by the tests too.
 */
package io.mqlab.recommendation.simulate;
