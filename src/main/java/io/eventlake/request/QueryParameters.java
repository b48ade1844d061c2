package io.eventlake.request;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.Violation;

/**
 * The query parameters several endpoints share, read the same way everywhere: a blank value is an absent
 * one, and a malformed value is a 400 problem naming the parameter.
 */
public final class QueryParameters {

    private QueryParameters() {
    }

    /** The lake position an {@code after} cursor stands for; 0 (the beginning) when there is none. */
    public static long cursor(String after) {
        if (after == null || after.isBlank()) {
            return 0;
        }
        try {
            return PageCursor.decode(after);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(Violation.atParameter("after", e.getMessage()));
        }
    }

    /** A page size from {@code limit}: the default when absent, else a whole number from 1 to {@code max}. */
    public static int pageSize(String limit, int defaultSize, int max) {
        if (limit == null || limit.isBlank()) {
            return defaultSize;
        }
        int size;
        try {
            size = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(Violation.atParameter("limit", "must be a whole number"));
        }
        if (size < 1 || size > max) {
            throw new InvalidRequestException(Violation.atParameter("limit", "must be between 1 and " + max));
        }
        return size;
    }

    /** The value, or null when it is absent or blank. */
    public static String optional(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** An RFC 3339 instant, or null when absent. */
    public static OffsetDateTime time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(Violation.atParameter(name,
                    "must be an RFC 3339 timestamp such as 2025-06-12T08:00:00Z"));
        }
    }
}
