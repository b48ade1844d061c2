package io.eventlake.compaction;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
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
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.Violation;
import io.eventlake.request.QueryParameters;
import io.eventlake.request.RequestValues;
import io.eventlake.security.Caller;
import io.eventlake.security.Roles;
import io.eventlake.security.StreamScope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** Triggers and watches history compaction runs. */
@Path("/compactions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Compaction", description = "History compaction: keep only the latest event of each key after an age")
@RolesAllowed(Roles.ADMIN)
public class CompactionResource {

    @Inject
    Caller caller;

    @Inject
    CompactionService compactor;

    /** {@code historyAfter}: an ISO-8601 duration overriding the stream's setting for this run. */
    @RegisterForReflection
    public record CompactionRequest(String stream, String historyAfter) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a history compaction run of a stream", description = "Runs in the background in bounded batches; watch it at the returned location.")
    @APIResponse(responseCode = "202", description = "Started; the run as it began")
    @APIResponse(responseCode = "400", description = "No stream, a malformed historyAfter, or none configured for the stream")
    @APIResponse(responseCode = "409", description = "A run of this stream is already going on")
    public Uni<Response> start(CompactionRequest request) {
        if (request == null || request.stream() == null || request.stream().isBlank()) {
            throw new InvalidRequestException(Violation.atPointer("/stream", "the stream to compact is required"));
        }
        List<Violation> problems = new ArrayList<>();
        Duration after = RequestValues.duration(Violation.atPointer("/historyAfter", ""), request.historyAfter(), true,
                problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems.get(0));
        }
        caller.streams().require(request.stream());
        return compactor.start(request.stream(), after, caller.name())
                .map(run -> Response.accepted(run).location(URI.create("/compactions/" + run.id())).build());
    }

    @GET
    @Operation(summary = "The latest compaction runs, optionally of one stream")
    public Uni<List<CompactionRun>> list(@QueryParam("stream") String stream) {
        StreamScope scope = caller.streams();
        return compactor.list(QueryParameters.optional(stream), 100)
                .map(all -> all.stream().filter(run -> scope.permits(run.stream())).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One compaction run: state, keys scanned of the total, events and tombstones removed")
    @APIResponse(responseCode = "404", description = "No such run")
    public Uni<CompactionRun> get(@PathParam("id") String id) {
        long runId = QueryParameters.id("id", id, "compaction run");
        StreamScope scope = caller.streams();
        return compactor.get(runId).map(run -> {
            scope.require(run.stream());
            return run;
        });
    }
}
