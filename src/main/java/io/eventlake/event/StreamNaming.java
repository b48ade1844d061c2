package io.eventlake.event;

/**
 * Derives an event's stream from its type: the type without its last dot-separated segment, so that
 * {@code rental.updated} and {@code rental.deleted} share the stream {@code rental} (and one clean topic,
 * which keeps every change of a key in order). A type without a dot is its own stream.
 */
public final class StreamNaming {

    private StreamNaming() {
    }

    /**
     * Kafka topic names allow only {@code [a-zA-Z0-9._-]}; CloudEvents types may hold more: every other character
     * (a code point, so an emoji is one) becomes {@code _}. Called for every event, so a plain scan, and a copy
     * only when a character must change.
     */
    public static String streamOf(String type) {
        int lastDot = type.lastIndexOf('.');
        String stream = lastDot > 0 ? type.substring(0, lastDot) : type;
        for (int i = 0; i < stream.length(); i++) {
            if (!topicSafe(stream.charAt(i))) {
                return replaceUnsafe(stream);
            }
        }
        return stream;
    }

    private static String replaceUnsafe(String stream) {
        StringBuilder safe = new StringBuilder(stream.length());
        stream.codePoints().forEach(c -> safe.append(topicSafe(c) ? (char) c : '_'));
        return safe.toString();
    }

    private static boolean topicSafe(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == '-';
    }

    /** The clean topic of a stream. Kafka caps topic names at 249 characters. */
    public static String topicOf(String prefix, String stream) {
        String topic = prefix + stream;
        return topic.length() <= 249 ? topic : topic.substring(0, 249);
    }
}
