package io.eventlake.audit;

/** How an audited call ended, from its HTTP status. */
public enum AuditOutcome {
    /** Done (2xx, 3xx). */
    SUCCEEDED,
    /** No valid token, or not allowed (401, 403). */
    REFUSED,
    /** A bad request, a conflict, a missing resource (other 4xx). */
    REJECTED,
    /** The service failed (5xx). */
    FAILED;

    public static AuditOutcome of(int status) {
        if (status == 401 || status == 403) {
            return REFUSED;
        }
        if (status >= 500) {
            return FAILED;
        }
        return status >= 400 ? REJECTED : SUCCEEDED;
    }
}
