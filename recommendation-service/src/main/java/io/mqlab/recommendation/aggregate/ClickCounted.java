package io.mqlab.recommendation.aggregate;

import io.mqlab.recommendation.click.Clicked;

/**
 * A click was counted into the aggregates, for the first and only time (an application
 * event, for the training data export).
 */
public record ClickCounted(Clicked click) {

}
