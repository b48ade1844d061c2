package io.eventlake.replay;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.Violation;
import io.eventlake.request.QueryParameters;
import io.eventlake.security.Caller;
import io.eventlake.security.Roles;
import io.eventlake.security.StreamScope;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/** Replay jobs: events from the lake republished to a topic at a pace, with progress, cancel and restart safety. */
@Path("/replays")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Replays", description = "Republish history or the current snapshot from the lake to a topic")
@RolesAllowed(Roles.OPERATOR)
public class ReplayResource {

    @Inject
    Caller caller;

    @Inject
    ReplayService replays;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a replay job", description = "source: history (every event, in lake order) or snapshot (the latest event of every live key, in key order); filters: streams (required), types, keys, from/to (event time); targetTopic; pace: eventsPerSecond, or spreadOver (ISO-8601 duration), or neither for as fast as it goes. The job covers the events in the lake when it is created.")
    @APIResponse(responseCode = "202", description = "Accepted; the job, also at its Location")
    @APIResponse(responseCode = "400", description = "Every problem of the request, with its pointer")
    @Blocking
    public Uni<Response> start(ReplayRequest request) {
        if (request == null) {
            throw new InvalidRequestException(Violation.atPointer("", "a JSON body is required"));
        }
        caller.streams().requireAll(request.streams());
        return replays.start(request, caller.name())
                .map(job -> Response.accepted(job).location(URI.create("/replays/" + job.id())).build());
    }

    @GET
    @Operation(summary = "The latest replay jobs, newest first, with their progress")
    public Uni<List<ReplayJob>> list() {
        StreamScope scope = caller.streams();
        return replays.list(100).map(jobs -> jobs.stream().filter(job -> scope.permitsAll(job.streams())).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One replay job: state, events sent of the total expected, events/s, ETA")
    @APIResponse(responseCode = "404", description = "No such job")
    public Uni<ReplayJob> get(@PathParam("id") String id) {
        long jobId = id(id);
        return visibleJob(jobId);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a replay job; what was sent stays sent")
    @APIResponse(responseCode = "200", description = "Cancelled; the job")
    @APIResponse(responseCode = "404", description = "No such job")
    @APIResponse(responseCode = "409", description = "The job already finished")
    public Uni<ReplayJob> cancel(@PathParam("id") String id) {
        long jobId = id(id);
        return visibleJob(jobId).flatMap(visible -> replays.cancel(jobId));
    }

    /** The job, when it exists and the caller may reach every stream it replays. */
    private Uni<ReplayJob> visibleJob(long jobId) {
        StreamScope scope = caller.streams();
        return replays.get(jobId).invoke(job -> scope.requireAll(job.streams()));
    }

    private static long id(String id) {
        return QueryParameters.id("id", id, "replay job");
    }
}
