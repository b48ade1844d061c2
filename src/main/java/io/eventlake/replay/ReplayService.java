package io.eventlake.replay;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.ConflictException;
import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.NotFoundException;
import io.eventlake.error.Violation;
import io.eventlake.event.StreamNaming;
import io.eventlake.request.RequestValues;
import io.smallrye.mutiny.Uni;

/**
 * Replay jobs: a request checked and recorded as a PENDING job (a {@link ReplayRunner} of this cluster runs it),
 * the jobs with their progress, and their cancellation.
 */
@ApplicationScoped
public class ReplayService {

    private final ReplayRepository repository;
    private final EventLakeConfig config;
    private final ObjectMapper mapper;
    private final KafkaCluster cluster;

    @Inject
    public ReplayService(ReplayRepository repository, EventLakeConfig config, ObjectMapper mapper, KafkaCluster cluster) {
        this.repository = repository;
        this.config = config;
        this.mapper = mapper;
        this.cluster = cluster;
    }

    /** Checks the request (400 with every problem) and records it as a job covering the lake as it is now. */
    public Uni<ReplayJob> start(ReplayRequest request, String by) {
        List<Violation> problems = new ArrayList<>();
        ReplaySource source = request.source() == null ? ReplaySource.HISTORY
                : ReplaySource.of(request.source()).orElse(null);
        if (source == null) {
            problems.add(Violation.atPointer("/source", "must be 'history' or 'snapshot'"));
        }
        RequestValues.streamNames("/streams", request.streams(), config.forward().topicPrefix(), problems);
        String target = RequestValues.topicName(Violation.atPointer("/targetTopic", ""), request.targetTopic(), problems);
        if (target != null && Pattern.compile(config.ingest().topicPattern()).matcher(target).matches()) {
            problems.add(Violation.atPointer("/targetTopic", "'" + target
                    + "' matches the ingest topic pattern: the replayed events would be ingested again"));
        }
        RequestValues.texts("/types", request.types(), problems);
        typesOfNamedStreams(request.types(), request.streams(), problems);
        RequestValues.texts("/keys", request.keys(), problems);
        OffsetDateTime from = RequestValues.time(Violation.atPointer("/from", ""), request.from(), problems);
        OffsetDateTime to = RequestValues.time(Violation.atPointer("/to", ""), request.to(), problems);
        RequestValues.inOrder(from, to, Violation.atPointer("/to", ""), problems);
        if (request.eventsPerSecond() != null && !(request.eventsPerSecond() > 0)) {
            problems.add(Violation.atPointer("/eventsPerSecond", "must be positive"));
        }
        Duration spreadOver = RequestValues.duration(Violation.atPointer("/spreadOver", ""), request.spreadOver(), false,
                problems);
        if (request.spreadOver() != null && request.eventsPerSecond() != null) {
            problems.add(Violation.atPointer("/spreadOver", "give eventsPerSecond or spreadOver, not both"));
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
                request.eventsPerSecond(), spreadOver, by, json, cluster.id()).map(ReplayService::withProgress);
    }

    /**
     * Each type must be of a stream the job names: an event's stream is derived from its type, so a type of another
     * stream never matches, and the job would read the named streams' whole history to find nothing.
     */
    private static void typesOfNamedStreams(List<String> types, List<String> streams, List<Violation> problems) {
        if (types == null || streams == null) {
            return;
        }
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            if (type != null && !streams.contains(StreamNaming.streamOf(type))) {
                problems.add(Violation.atPointer("/types/" + i, "events of type " + type + " are in stream "
                        + StreamNaming.streamOf(type) + ", which this replay does not name"));
            }
        }
    }

    /** The latest jobs, newest first. */
    public Uni<List<ReplayJob>> list(int limit) {
        return repository.list(limit).map(jobs -> jobs.stream().map(ReplayService::withProgress).toList());
    }

    public Uni<ReplayJob> get(long id) {
        return repository.get(id).map(found -> withProgress(found.orElseThrow(() -> notFound(id))));
    }

    /** Cancels a PENDING or RUNNING job; what was sent stays sent. 409 once it finished. */
    public Uni<ReplayJob> cancel(long id) {
        return repository.cancel(id).flatMap(cancelled -> repository.get(id).map(found -> {
            ReplayJob job = found.orElseThrow(() -> notFound(id));
            if (!cancelled && job.state() != ReplayState.CANCELLED) {
                throw new ConflictException(
                        "Replay " + id + " is " + job.state() + "; only PENDING or RUNNING jobs can be cancelled.");
            }
            return withProgress(job);
        }));
    }

    /** The job with its measured rate since it started and, while it runs, the time left at that rate. */
    static ReplayJob withProgress(ReplayJob job) {
        Double rate = null;
        Long eta = null;
        if (job.startedAt() != null && job.sent() > 0) {
            OffsetDateTime end = job.finishedAt() != null ? job.finishedAt() : OffsetDateTime.now();
            double seconds = Math.max(0.001, Duration.between(job.startedAt(), end).toMillis() / 1000.0);
            rate = Math.round(job.sent() / seconds * 10) / 10.0;
            if (job.state() == ReplayState.RUNNING && rate > 0) {
                eta = (long) Math.ceil(Math.max(0, job.totalExpected() - job.sent()) / rate);
            }
        }
        return new ReplayJob(job.id(), job.state(), job.source(), job.streams(), job.types(), job.keys(), job.from(),
                job.to(), job.targetTopic(), job.paceEventsPerSecond(), job.spreadOver(), job.totalExpected(),
                job.totalEstimated(), job.sent(), rate,
                eta, job.error(), job.requestedBy(), job.createdAt(), job.startedAt(), job.updatedAt(), job.finishedAt(),
                job.upToSeq(), job.checkpoint(), job.endMarker());
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("No replay job " + id + ".");
    }
}
