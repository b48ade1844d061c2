package io.eventlake.request;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.eventlake.error.Violation;

/**
 * Values of a request (a parameter, or a field of a JSON body), read the same way by every endpoint, with one
 * wording per kind of mistake. Each reader adds its problem to a list, so that a body's problems are reported
 * together; the place of the value is given as a {@link Violation} whose message is ignored.
 */
public final class RequestValues {

    public static final String NOT_A_TIME = "must be an RFC 3339 timestamp such as 2025-06-12T08:00:00Z";
    static final String NOT_A_DURATION = "must be an ISO-8601 duration such as PT30M or P7D";
    static final String NOT_POSITIVE = "must be positive";
    /** Longer than any history a lake holds; beyond it, "now minus the duration" leaves the calendar. */
    static final Duration MAX_DURATION = Duration.ofDays(365L * 1000);
    /** Kafka's limit on topic names. */
    static final int MAX_TOPIC_LENGTH = 249;
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");

    private RequestValues() {
    }

    /** An RFC 3339 instant; null when absent or malformed (then a problem is added). */
    public static OffsetDateTime time(Violation at, String value, List<Violation> problems) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(value);
            // RFC 3339 has four-digit years; java.time also reads "+999999999-…", which no clock can reach.
            if (time.getYear() < 0 || time.getYear() > 9999) {
                problems.add(at.withMessage(NOT_A_TIME));
                return null;
            }
            return time;
        } catch (DateTimeParseException e) {
            problems.add(at.withMessage(NOT_A_TIME));
            return null;
        }
    }

    /** A positive ISO-8601 duration (zero too when {@code zeroAllowed}); null when absent or malformed. */
    public static Duration duration(Violation at, String value, boolean zeroAllowed, List<Violation> problems) {
        if (value == null) {
            return null;
        }
        try {
            Duration duration = Duration.parse(value);
            if (duration.isNegative() || (!zeroAllowed && duration.isZero())) {
                problems.add(at.withMessage(zeroAllowed ? "must not be negative" : NOT_POSITIVE));
                return null;
            }
            if (duration.compareTo(MAX_DURATION) > 0) {
                problems.add(at.withMessage("must be at most " + MAX_DURATION.toDays() + " days"));
                return null;
            }
            return duration;
        } catch (DateTimeParseException e) {
            problems.add(at.withMessage(NOT_A_DURATION));
            return null;
        }
    }

    /** A whole number (an offset, a shift, possibly negative); null when absent or not one. */
    public static Long wholeNumber(Violation at, String value, List<Violation> problems) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            problems.add(at.withMessage("must be a whole number, such as 42 or -5"));
            return null;
        }
    }

    /**
     * A Kafka topic name the service may create or write: 1 to 249 of {@code [a-zA-Z0-9._-]}, not {@code .} or
     * {@code ..}, not one of Kafka's internal topics ({@code __…}). Null when absent or not allowed.
     */
    public static String topicName(Violation at, String value, List<Violation> problems) {
        if (value == null || value.isBlank()) {
            problems.add(at.withMessage("a topic name is required"));
            return null;
        }
        if (!LEGAL_NAME.matcher(value).matches() || value.length() > MAX_TOPIC_LENGTH || ".".equals(value)
                || "..".equals(value)) {
            problems.add(at.withMessage("not a valid Kafka topic name: 1 to " + MAX_TOPIC_LENGTH
                    + " of a-z, A-Z, 0-9, '.', '_' and '-', and not '.' or '..'"));
            return null;
        }
        if (value.startsWith("__")) {
            problems.add(at.withMessage("'" + value + "' is reserved for Kafka's internal topics"));
            return null;
        }
        return value;
    }

    /**
     * A stream name: what the service derives from event types, so only {@code [a-zA-Z0-9._-]} (every other
     * character of a type becomes {@code _}), short enough that its clean topic is a legal name. Null when absent
     * or impossible.
     */
    public static String streamName(Violation at, String value, String topicPrefix, List<Violation> problems) {
        if (value == null || value.isBlank()) {
            problems.add(at.withMessage("a stream name is required"));
            return null;
        }
        if (!LEGAL_NAME.matcher(value).matches() || topicPrefix.length() + value.length() > MAX_TOPIC_LENGTH) {
            problems.add(at.withMessage("no stream is named that: stream names are made of a-z, A-Z, 0-9, '.', '_' "
                    + "and '-', at most " + (MAX_TOPIC_LENGTH - topicPrefix.length()) + " characters"));
            return null;
        }
        return value;
    }

    /**
     * At least one stream, each a {@link #streamName possible stream name}, at {@code /streams/i}, and none named twice:
     * a job reads each stream it names, so a stream named twice would have its events sent twice.
     */
    public static List<String> streamNames(String pointer, List<String> values, String topicPrefix,
            List<Violation> problems) {
        if (values == null || values.isEmpty()) {
            problems.add(Violation.atPointer(pointer, "name at least one stream"));
            return List.of();
        }
        Map<String, Integer> firstAt = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            Violation at = Violation.atPointer(pointer + "/" + i, "");
            String stream = streamName(at, values.get(i), topicPrefix, problems);
            Integer earlier = stream == null ? null : firstAt.putIfAbsent(stream, i);
            if (earlier != null) {
                problems.add(at.withMessage("stream " + stream + " is named already at " + pointer + "/" + earlier
                        + "; name each stream once"));
            }
        }
        return values;
    }

    /**
     * An optional list of texts (types, keys) to match: no null entries and no NUL character, which PostgreSQL
     * text cannot hold, so nothing stored could match it.
     */
    public static void texts(String pointer, List<String> values, List<Violation> problems) {
        if (values == null) {
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                problems.add(Violation.atPointer(pointer + "/" + i, "must be a string, not null"));
            } else if (values.get(i).indexOf('\u0000') >= 0) {
                problems.add(Violation.atPointer(pointer + "/" + i, "must not contain NUL (U+0000)"));
            }
        }
    }

    /** Adds a problem at {@code toAt} unless {@code from} is before {@code to} (either may be absent). */
    public static void inOrder(OffsetDateTime from, OffsetDateTime to, Violation toAt, List<Violation> problems) {
        if (from != null && to != null && !from.isBefore(to)) {
            problems.add(toAt.withMessage("must be after 'from'"));
        }
    }
}
