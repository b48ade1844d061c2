package io.eventlake.replay;

import io.eventlake.event.Event;

/**
 * An event of a replay's page: its attributes (their {@code data} left null) and its data as the UTF-8 bytes its
 * record carries (null: an event without data).
 */
record PageEvent(Event attributes, byte[] data) {

    long lakeSeq() {
        return attributes.lakeSeq();
    }
}
