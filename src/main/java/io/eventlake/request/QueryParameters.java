package io.eventlake.request;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

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

    /** An RFC 3339 instant from a parameter, or null when absent. */
    public static OffsetDateTime time(String name, String value) {
        List<Violation> problems = new ArrayList<>();
        OffsetDateTime time = RequestValues.time(Violation.atParameter(name, ""), value, problems);
        failIfAny(problems);
        return time;
    }

    /** A positive id from a path or query parameter; {@code what} names the thing, e.g. "replay job". */
    public static long id(String name, String value, String what) {
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // the problem below
        }
        throw new InvalidRequestException(Violation.atParameter(name, "must be a " + what + " id (a positive number)"));
    }

    private static void failIfAny(List<Violation> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems.get(0));
        }
    }
}
