package io.mqlab.messaging;

import java.util.List;

/**
 * Inspects and replays the dead letters of a topic and group.
 */
public interface DeadLetters {

	/** The dead letters not yet replayed, oldest first, at most {@code limit}. */
	List<DeadLetter> list(String topic, String group, int limit);

	/**
	 * Sends every dead letter not yet replayed back to the group (only that group sees it
	 * again) and removes it from the dead letters.
	 * @return how many were replayed
	 */
	int replay(String topic, String group);

}
