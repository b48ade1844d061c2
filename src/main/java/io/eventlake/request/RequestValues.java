package io.eventlake.request;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import io.eventlake.error.Violation;

/**
 * Values of a request (a parameter, or a field of a JSON body), read the same way by every endpoint, with one
 * wording per kind of mistake. Each reader adds its problem to a list, so that a body's problems are reported
 * together; the place of the value is given as a {@link Violation} whose message is ignored.
 */
public final class RequestValues {

    static final String NOT_A_TIME = "must be an RFC 3339 timestamp such as 2025-06-12T08:00:00Z";
    static final String NOT_A_DURATION = "must be an ISO-8601 duration such as PT30M or P7D";
    static final String NOT_POSITIVE = "must be positive";

    private RequestValues() {
    }

    /** An RFC 3339 instant; null when absent or malformed (then a problem is added). */
    public static OffsetDateTime time(Violation at, String value, List<Violation> problems) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
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
            return duration;
        } catch (DateTimeParseException e) {
            problems.add(at.withMessage(NOT_A_DURATION));
            return null;
        }
    }

    /** Adds a problem at {@code toAt} unless {@code from} is before {@code to} (either may be absent). */
    public static void inOrder(OffsetDateTime from, OffsetDateTime to, Violation toAt, List<Violation> problems) {
        if (from != null && to != null && !from.isBefore(to)) {
            problems.add(toAt.withMessage("must be after 'from'"));
        }
    }
}
