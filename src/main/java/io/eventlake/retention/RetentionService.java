package io.eventlake.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.logging.LogFields;
import io.eventlake.retention.RetentionRepository.Step;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Deletes, every {@code eventlake.lake.retention-interval}, the events of each stream with a retention that arrived
 * longer ago than it, except the latest event of each key (the view points at it; a snapshot replay and
 * {@code GET /streams/{s}/keys/{k}} read it). A run walks the stream in lake order, {@code retention-batch-size} events
 * per statement, each its own short transaction, and stops at the first events within the retention: its work is the
 * expired events plus the kept latest ones before them, never the whole lake. One run per stream across instances (a
 * PostgreSQL advisory lock held on the run's connection; a crash releases it).
 */
@ApplicationScoped
public class RetentionService {

    private static final Logger LOG = Logger.getLogger(RetentionService.class);

    @Inject
    Pool pool;

    @Inject
    RetentionRepository repository;

    @Inject
    EventLakeConfig config;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    /** How the last run of a stream on this instance ended (a run another instance made is not seen here). */
    public record LastRun(String stream, Instant finishedAt, long removed, String failure, Instant failingSince) {

        public boolean failed() {
            return failure != null;
        }
    }

    private final Map<String, LastRun> lastRuns = new ConcurrentHashMap<>();

    /** Streams with a run going on in this instance: a slow run is not started twice. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    private final Map<String, Counter> removedCounters = new ConcurrentHashMap<>();

    void schedule(@Observes StartupEvent event) {
        Map<String, Duration> retentions = config.lake().retentions();
        // Registered at start, so that each stream's series is there (at 0) before its first delete.
        retentions.keySet().forEach(this::removedCounter);
        if (retentions.isEmpty()) {
            return;
        }
        LOG.infof("EL1101 retention: %s, looked after every %s", retentions, config.lake().retentionInterval());
        vertx.setPeriodic(config.lake().retentionInterval().toMillis(),
                id -> retentions.forEach((stream, retention) -> run(stream, retention).subscribe().with(x -> {
                }, failure -> {
                })));
    }

    /** The streams with a retention, and theirs. */
    public Map<String, Duration> retentions() {
        return config.lake().retentions();
    }

    public Duration interval() {
        return config.lake().retentionInterval();
    }

    /** The last run of each stream with a retention that ran on this instance. */
    public Map<String, LastRun> lastRuns() {
        return Map.copyOf(lastRuns);
    }

    /**
     * One run over the stream: deletes what arrived before now minus its retention (latest of each key kept) and
     * answers how many events it deleted; 0 without deleting when a run of the stream is going on here or elsewhere.
     */
    public Uni<Long> run(String stream, Duration retention) {
        if (!running.add(stream)) {
            return Uni.createFrom().item(0L);
        }
        OffsetDateTime arrivedBefore = OffsetDateTime.now(ZoneOffset.UTC).minus(retention);
        long started = System.nanoTime();
        return pool.getConnection()
                .flatMap(connection -> repository.tryLock(connection, stream).flatMap(locked -> {
                    if (!locked) {
                        try (var fields = LogFields.of(LogFields.STREAM, stream)) {
                            LOG.debugf("EL1104 retention of %s not run here: another instance runs it", stream);
                        }
                        return Uni.createFrom().item(0L);
                    }
                    return steps(connection, stream, arrivedBefore)
                            .onTermination().call(() -> repository.unlock(connection, stream).onFailure().recoverWithNull());
                }).onTermination().call(connection::close))
                .invoke(removed -> finished(stream, arrivedBefore, removed, started))
                .onFailure().invoke(failure -> failed(stream, failure))
                .onTermination().invoke(() -> running.remove(stream));
    }

    private Uni<Long> steps(SqlConnection connection, String stream, OffsetDateTime arrivedBefore) {
        AtomicLong after = new AtomicLong(0);
        Counter removedCounter = removedCounter(stream);
        return Multi.createBy().repeating()
                .uni(() -> repository.step(connection, stream, after.get(), config.lake().retentionBatchSize(),
                        arrivedBefore))
                .whilst(step -> !step.last())
                .onItem().invoke(step -> {
                    if (step.lastSeq() != null) {
                        after.set(step.lastSeq());
                    }
                    removedCounter.increment(step.removed());
                })
                .collect().with(Collectors.summingLong(Step::removed));
    }

    private Counter removedCounter(String stream) {
        return removedCounters.computeIfAbsent(stream, s -> Counter.builder("eventlake.retention.events_removed")
                .description("Events deleted from the lake because they were older than their stream's retention")
                .tag("stream", s).register(registry));
    }

    private void finished(String stream, OffsetDateTime arrivedBefore, long removed, long started) {
        lastRuns.put(stream, new LastRun(stream, Instant.now(), removed, null, null));
        try (var fields = LogFields.of(LogFields.STREAM, stream)) {
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            if (removed > 0) {
                LOG.infof("EL1102 retention of %s: %d events that arrived before %s deleted in %d ms", stream, removed,
                        arrivedBefore, millis);
            } else {
                LOG.debugf("EL1102 retention of %s: nothing arrived before %s to delete (%d ms)", stream, arrivedBefore,
                        millis);
            }
        }
    }

    private void failed(String stream, Throwable failure) {
        try (var fields = LogFields.of(LogFields.STREAM, stream)) {
            LOG.warnf("EL1103 retention of %s failed: %s; the next run starts over (what this one deleted stays deleted)",
                    stream,
                    failure.toString());
        }
        lastRuns.compute(stream, (key, known) -> new LastRun(stream, Instant.now(), 0, failure.toString(),
                known != null && known.failed() ? known.failingSince() : Instant.now()));
    }
}
