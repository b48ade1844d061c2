package io.eventlake.audit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.eventlake.security.Roles;
import io.smallrye.mutiny.Uni;

/** {@code /audit}: who changed what, when, and how it ended. */
@Path("/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit", description = "Every state-changing call, allowed or refused")
@RolesAllowed(Roles.ADMIN)
public class AuditResource {

    private final AuditService audit;

    @Inject
    public AuditResource(AuditService audit) {
        this.audit = audit;
    }

    @GET
    @Operation(summary = "The audit trail, newest first, optionally filtered")
    @APIResponse(responseCode = "200", description = "A page; pass its 'next' cursor as 'after' for the older one")
    @APIResponse(responseCode = "400", description = "A parameter is malformed")
    public Uni<AuditPage> list(
            @Parameter(description = "Only calls by this subject (the token's sub, or 'anonymous')") @QueryParam("subject") String subject,
            @Parameter(description = "Only this operation, e.g. ConsumerGroupResource.reset") @QueryParam("operation") String operation,
            @Parameter(description = "Only this outcome: SUCCEEDED, REFUSED, REJECTED or FAILED") @QueryParam("outcome") String outcome,
            @Parameter(description = "Only calls at or after this RFC 3339 instant") @QueryParam("from") String from,
            @Parameter(description = "Only calls before this RFC 3339 instant") @QueryParam("to") String to,
            @Parameter(description = "Cursor from a previous page") @QueryParam("after") String after,
            @Parameter(description = "Page size (default 100, at most 1000)") @QueryParam("limit") String limit) {
        return audit.page(AuditQuery.fromQuery(subject, operation, outcome, from, to, after, limit));
    }
}
