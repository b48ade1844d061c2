package io.eventlake.deadletter;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.eventlake.envelope.RejectionCode;
import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.Violation;
import io.eventlake.request.QueryParameters;
import io.eventlake.request.RequestValues;

/**
 * Which dead letters a list or bulk redrive covers; null fields do not filter. Times are on creation. Parsed here
 * the one way, whether from a list's query, a bulk redrive's body or the console's filter form.
 */
public record DeadLetterFilter(String type, String reason, String status, OffsetDateTime from, OffsetDateTime to) {

    /** From the query parameters of a list (a problem names the parameter). */
    public static DeadLetterFilter fromQuery(String type, String reason, String status, String from, String to) {
        return parse(type, reason, status, from, to, "parameter");
    }

    /** From the fields of a bulk-redrive body (a problem points at the field). */
    public static DeadLetterFilter fromBody(String type, String reason, String status, String from, String to) {
        return parse(type, reason, status, from, to, "pointer");
    }

    private static DeadLetterFilter parse(String type, String reason, String status, String from, String to, String kind) {
        String reasonCode = QueryParameters.optional(reason);
        if (reasonCode != null && Arrays.stream(RejectionCode.values()).noneMatch(c -> c.name().equals(reasonCode))) {
            throw problem(kind, "reason", "must be one of " + Arrays.toString(RejectionCode.values()));
        }
        String statusName = QueryParameters.optional(status);
        if (statusName != null && Arrays.stream(DeadLetterStatus.values()).noneMatch(s -> s.name().equals(statusName))) {
            throw problem(kind, "status", "must be one of " + Arrays.toString(DeadLetterStatus.values()));
        }
        List<Violation> problems = new ArrayList<>();
        OffsetDateTime fromTime = RequestValues.time(place(kind, "from"), from, problems);
        OffsetDateTime toTime = RequestValues.time(place(kind, "to"), to, problems);
        RequestValues.inOrder(fromTime, toTime, place(kind, "to"), problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems.get(0));
        }
        return new DeadLetterFilter(QueryParameters.optional(type), reasonCode, statusName, fromTime, toTime);
    }

    /** Where a filter value is: a query parameter, or a field of the bulk-redrive body. */
    private static Violation place(String kind, String name) {
        return "parameter".equals(kind) ? Violation.atParameter(name, "") : Violation.atPointer("/" + name, "");
    }

    private static InvalidRequestException problem(String kind, String name, String message) {
        return new InvalidRequestException(place(kind, name).withMessage(message));
    }
}
