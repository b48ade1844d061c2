package io.eventlake.deadletter;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.deadletter.DeadLetterViews.BulkRedriveResult;
import io.eventlake.deadletter.DeadLetterViews.DeadLetterDetail;
import io.eventlake.deadletter.DeadLetterViews.DeadLetterPage;
import io.eventlake.deadletter.DeadLetterViews.RedriveResult;
import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.Violation;
import io.eventlake.request.QueryParameters;
import io.eventlake.schema.SchemaViolationException;
import io.eventlake.security.Caller;
import io.eventlake.security.Roles;
import io.smallrye.mutiny.Uni;

/** {@code /dead-letters}: what could not become an event, and what operators do about it. */
@Path("/dead-letters")
@Tag(name = "Dead letters")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class DeadLetterResource {

    @Inject
    Caller caller;

    @Inject
    DeadLetterService deadLetters;

    @Inject
    EventLakeConfig config;

    @GET
    @Operation(summary = "Page through dead letters in arrival order, filtered by type, reason, status and time")
    @APIResponse(responseCode = "200", description = "A page; pass its 'next' cursor as 'after' for the following one")
    @APIResponse(responseCode = "400", description = "A parameter is malformed")
    public Uni<DeadLetterPage> list(@QueryParam("type") String type, @QueryParam("reason") String reason,
            @QueryParam("status") String status, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("after") String after, @QueryParam("limit") String limit) {
        caller.streams().requireUnrestricted("Dead letters");
        DeadLetterFilter filter = DeadLetterFilter.fromQuery(type, reason, status, from, to);
        return deadLetters.page(filter, QueryParameters.cursor(after),
                QueryParameters.pageSize(limit, config.http().defaultPageSize(), config.http().maxPageSize()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One dead letter: original key, value and headers, the reason and violations, and every action taken")
    @APIResponse(responseCode = "404", description = "No such dead letter")
    public Uni<DeadLetterDetail> get(@PathParam("id") String id) {
        caller.streams().requireUnrestricted("Dead letters");
        return deadLetters.get(id(id));
    }

    @POST
    @Path("/{id}/redrive")
    @Operation(summary = "Redrive one dead letter: read it again against the current schema and, if valid, store and forward it", description = "Idempotent: two redrives never make two events. Recorded (who, when, outcome).")
    @APIResponse(responseCode = "200", description = "REDRIVEN (stored and forwarded) or DUPLICATE (its source and id were already in the lake)")
    @APIResponse(responseCode = "404", description = "No such dead letter")
    @APIResponse(responseCode = "409", description = "Already redriven or discarded")
    @APIResponse(responseCode = "422", description = "Still invalid; every violation listed; it stays PENDING")
    public Uni<RedriveResult> redrive(@PathParam("id") String id) {
        caller.streams().requireUnrestricted("Dead letters");
        return deadLetters.redrive(id(id), caller.name()).invoke(result -> {
            if (result.outcome() == RedriveOutcome.STILL_INVALID) {
                throw new SchemaViolationException(result.errors().isEmpty()
                        ? List.of(Violation.atPointer("", result.reason()))
                        : result.errors());
            }
        });
    }

    /**
     * The body of a bulk redrive: the filter, whether to execute it (a dry run otherwise), the id to go on after (the
     * last call's {@code lastId}) and the most to go through in this call.
     */
    public record BulkRedriveRequest(String type, String reason, String status, String from, String to, Boolean execute,
            Long after, Integer limit) {
    }

    @POST
    @Path("/redrive")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Redrive the PENDING or REDRIVING dead letters a filter matches, a batch a call", description = "Without "
            + "\"execute\": true it is a dry run that says how many would be redriven (counted up to"
            + " eventlake.dead-letter.exact-count-limit, 10,000, estimated beyond: \"matchedEstimated\"). Executed, it goes through at most"
            + " \"limit\" (eventlake.dead-letter.redrive-batch, 500) of them in id order after \"after\"; while the"
            + " answer says \"more\", the next call goes on with \"after\": its \"lastId\".")
    @APIResponse(responseCode = "200", description = "How many matched and, when executed, how many of this batch were redriven, stayed invalid or were duplicates, the last id gone through and whether more match after it")
    @APIResponse(responseCode = "400", description = "A filter field is malformed, \"after\" is negative or \"limit\" is out of range")
    public Uni<BulkRedriveResult> redriveAll(BulkRedriveRequest request) {
        caller.streams().requireUnrestricted("Dead letters");
        BulkRedriveRequest r = request == null ? new BulkRedriveRequest(null, null, null, null, null, false, null, null)
                : request;
        DeadLetterFilter filter = DeadLetterFilter.fromBody(r.type(), r.reason(), r.status(), r.from(), r.to());
        if (filter.status() != null && !filter.status().equals("PENDING") && !filter.status().equals("REDRIVING")) {
            throw new InvalidRequestException(
                    Violation.atPointer("/status", "only PENDING or REDRIVING dead letters can be redriven"));
        }
        long after = r.after() == null ? 0 : r.after();
        if (after < 0) {
            throw new InvalidRequestException(Violation.atPointer("/after", "must be a dead letter id (0 or more)"));
        }
        int batch = config.deadLetter().redriveBatch();
        int limit = r.limit() == null ? batch : r.limit();
        if (limit < 1 || limit > batch) {
            throw new InvalidRequestException(Violation.atPointer("/limit", "must be between 1 and " + batch
                    + " (eventlake.dead-letter.redrive-batch); go on with \"after\" for more"));
        }
        return deadLetters.redriveAll(filter, Boolean.TRUE.equals(r.execute()), after, limit, caller.name());
    }

    @POST
    @Path("/{id}/discard")
    @Operation(summary = "Discard a dead letter: it stays listed as DISCARDED, and the discard is recorded")
    @APIResponse(responseCode = "404", description = "No such dead letter")
    @APIResponse(responseCode = "409", description = "Already redriven: its event is in the lake")
    public Uni<DeadLetterDetail> discard(@PathParam("id") String id) {
        caller.streams().requireUnrestricted("Dead letters");
        return deadLetters.discard(id(id), caller.name());
    }

    private static long id(String id) {
        return QueryParameters.id("id", id, "dead letter");
    }

}
