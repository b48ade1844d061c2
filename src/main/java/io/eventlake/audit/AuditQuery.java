package io.eventlake.audit;

import java.time.OffsetDateTime;
import java.util.List;

import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.Violation;
import io.eventlake.request.QueryParameters;

/** A page of the audit trail, newest first: optional filters, the id to continue before (0: the newest), a size. */
public record AuditQuery(String subject, String operation, AuditOutcome outcome, OffsetDateTime from, OffsetDateTime to,
        long beforeId, int limit) {

    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    /** From the query parameters of {@code GET /audit} or the console's audit page: the one way they are read. */
    public static AuditQuery fromQuery(String subject, String operation, String outcome, String from, String to,
            String after, String limit) {
        OffsetDateTime fromTime = QueryParameters.time("from", from);
        OffsetDateTime toTime = QueryParameters.time("to", to);
        return new AuditQuery(QueryParameters.optional(subject), QueryParameters.optional(operation), outcome(outcome),
                fromTime, toTime, QueryParameters.cursor(after), QueryParameters.pageSize(limit, DEFAULT_PAGE, MAX_PAGE));
    }

    private static AuditOutcome outcome(String value) {
        if (QueryParameters.optional(value) == null) {
            return null;
        }
        try {
            return AuditOutcome.valueOf(value.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(Violation.atParameter("outcome",
                    "must be one of " + List.of(AuditOutcome.values())));
        }
    }
}
