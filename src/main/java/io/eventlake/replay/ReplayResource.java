package io.eventlake.replay;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.ConflictException;
import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.NotFoundException;
import io.eventlake.error.Violation;
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
    ReplayRepository repository;

    @Inject
    EventLakeConfig config;

    @Inject
    ObjectMapper mapper;

    @Inject
    KafkaCluster cluster;

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
        List<Violation> problems = new ArrayList<>();
        String source = request.source() == null ? ReplayJob.HISTORY : request.source();
        if (!ReplayJob.HISTORY.equals(source) && !ReplayJob.SNAPSHOT.equals(source)) {
            problems.add(Violation.atPointer("/source", "must be 'history' or 'snapshot'"));
        }
        if (request.streams() == null || request.streams().isEmpty()
                || request.streams().stream().anyMatch(s -> s == null || s.isBlank())) {
            problems.add(Violation.atPointer("/streams", "name at least one stream"));
        }
        String target = request.targetTopic();
        if (target == null || target.isBlank()) {
            problems.add(Violation.atPointer("/targetTopic", "the topic to replay to is required"));
        } else if (Pattern.compile(config.ingest().topicPattern()).matcher(target).matches()) {
            problems.add(Violation.atPointer("/targetTopic", "'" + target
                    + "' matches the ingest topic pattern: the replayed events would be ingested again"));
        } else if (!target.matches("[a-zA-Z0-9._-]{1,249}")) {
            problems.add(Violation.atPointer("/targetTopic", "not a valid Kafka topic name"));
        }
        OffsetDateTime from = time(request.from(), "/from", problems);
        OffsetDateTime to = time(request.to(), "/to", problems);
        if (from != null && to != null && !to.isAfter(from)) {
            problems.add(Violation.atPointer("/to", "must be after 'from'"));
        }
        if (request.eventsPerSecond() != null && !(request.eventsPerSecond() > 0)) {
            problems.add(Violation.atPointer("/eventsPerSecond", "must be positive"));
        }
        Duration spreadOver = null;
        if (request.spreadOver() != null) {
            try {
                spreadOver = Duration.parse(request.spreadOver());
                if (spreadOver.isNegative() || spreadOver.isZero()) {
                    problems.add(Violation.atPointer("/spreadOver", "must be positive"));
                }
            } catch (DateTimeParseException e) {
                problems.add(Violation.atPointer("/spreadOver", "'" + request.spreadOver()
                        + "' is not an ISO-8601 duration such as PT2H or P3D"));
            }
            if (request.eventsPerSecond() != null) {
                problems.add(Violation.atPointer("/spreadOver", "give eventsPerSecond or spreadOver, not both"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("The replay request is not valid.", problems);
        }
        String json;
        try {
            json = mapper.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return repository.create(source, request.streams(), request.types(), request.keys(), from, to, target,
                request.eventsPerSecond(), spreadOver, caller.name(), json, cluster.id())
                .map(job -> Response.accepted(withProgress(job)).location(URI.create("/replays/" + job.id())).build());
    }

    @GET
    @Operation(summary = "The latest replay jobs, newest first, with their progress")
    public Uni<List<ReplayJob>> list() {
        StreamScope scope = caller.streams();
        return repository.list(100).map(jobs -> jobs.stream().filter(job -> scope.permitsAll(job.streams()))
                .map(ReplayResource::withProgress).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One replay job: state, events sent of the total expected, events/s, ETA")
    @APIResponse(responseCode = "404", description = "No such job")
    public Uni<ReplayJob> get(@PathParam("id") String id) {
        long jobId = id(id);
        return visibleJob(jobId).map(ReplayResource::withProgress);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a replay job; what was sent stays sent")
    @APIResponse(responseCode = "200", description = "Cancelled; the job")
    @APIResponse(responseCode = "404", description = "No such job")
    @APIResponse(responseCode = "409", description = "The job already finished")
    public Uni<ReplayJob> cancel(@PathParam("id") String id) {
        long jobId = id(id);
        return visibleJob(jobId).flatMap(visible -> repository.cancel(jobId))
                .flatMap(cancelled -> repository.get(jobId).map(found -> {
                    ReplayJob job = found.orElseThrow(() -> notFound(jobId));
                    if (!cancelled && !ReplayJob.CANCELLED.equals(job.state())) {
                        throw new ConflictException(
                                "Replay " + jobId + " is " + job.state() + "; only PENDING or RUNNING jobs can be cancelled.");
                    }
                    return withProgress(job);
                }));
    }

    /** The job, when it exists and the caller may reach every stream it replays. */
    private Uni<ReplayJob> visibleJob(long jobId) {
        StreamScope scope = caller.streams();
        return repository.get(jobId).map(found -> {
            ReplayJob job = found.orElseThrow(() -> notFound(jobId));
            scope.requireAll(job.streams());
            return job;
        });
    }

    /** The job with its measured rate since it started and, while it runs, the time left at that rate. */
    static ReplayJob withProgress(ReplayJob job) {
        Double rate = null;
        Long eta = null;
        if (job.startedAt() != null && job.sent() > 0) {
            OffsetDateTime end = job.finishedAt() != null ? job.finishedAt() : OffsetDateTime.now();
            double seconds = Math.max(0.001, Duration.between(job.startedAt(), end).toMillis() / 1000.0);
            rate = Math.round(job.sent() / seconds * 10) / 10.0;
            if (ReplayJob.RUNNING.equals(job.state()) && rate > 0) {
                eta = (long) Math.ceil(Math.max(0, job.totalExpected() - job.sent()) / rate);
            }
        }
        return new ReplayJob(job.id(), job.state(), job.source(), job.streams(), job.types(), job.keys(), job.from(),
                job.to(), job.targetTopic(), job.paceEventsPerSecond(), job.spreadOver(), job.totalExpected(), job.sent(), rate,
                eta, job.error(), job.requestedBy(), job.createdAt(), job.startedAt(), job.updatedAt(), job.finishedAt(),
                job.upToSeq(), job.checkpoint(), job.endMarker());
    }

    private static OffsetDateTime time(String value, String pointer, List<Violation> problems) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            problems.add(Violation.atPointer(pointer, "'" + value + "' is not an RFC 3339 timestamp"));
            return null;
        }
    }

    private static long id(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(Violation.atParameter("id", "'" + id + "' is not a replay job id"));
        }
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("No replay job " + id + ".");
    }
}
