package io.eventlake.event;

import java.util.regex.Pattern;

/**
 * Derives an event's stream from its type: the type without its last dot-separated segment, so that
 * {@code rental.updated} and {@code rental.deleted} share the stream {@code rental} (and one clean topic,
 * which keeps every change of a key in order). A type without a dot is its own stream.
 */
public final class StreamNaming {

    private static final Pattern NOT_TOPIC_SAFE = Pattern.compile("[^a-zA-Z0-9._-]");

    private StreamNaming() {
    }

    public static String streamOf(String type) {
        int lastDot = type.lastIndexOf('.');
        String stream = lastDot > 0 ? type.substring(0, lastDot) : type;
        // Kafka topic names allow only [a-zA-Z0-9._-]; CloudEvents types may hold more.
        return NOT_TOPIC_SAFE.matcher(stream).replaceAll("_");
    }

    /** The clean topic of a stream. Kafka caps topic names at 249 characters. */
    public static String topicOf(String prefix, String stream) {
        String topic = prefix + stream;
        return topic.length() <= 249 ? topic : topic.substring(0, 249);
    }
}
