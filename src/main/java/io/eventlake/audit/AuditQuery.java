package io.eventlake.audit;

import java.time.OffsetDateTime;

/** A page of the audit trail, newest first: optional filters, the id to continue before (0: the newest), a size. */
public record AuditQuery(String subject, String operation, AuditOutcome outcome, OffsetDateTime from, OffsetDateTime to,
        long beforeId, int limit) {
}
