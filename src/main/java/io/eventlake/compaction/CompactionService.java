package io.eventlake.compaction;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.eventlake.compaction.CompactionRunRepository.KeyBatch;
import io.eventlake.config.EventLakeConfig;
import io.eventlake.config.EventLakeConfig.Compaction.StreamCompaction;
import io.eventlake.error.ConflictException;
import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.NotFoundException;
import io.eventlake.error.Violation;
import io.eventlake.logging.LogFields;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Compacts a stream's history like Kafka's log compaction: of the events that arrived more than
 * {@code history-after} ago, only the latest of each key is kept; the latest is never removed, nor is any
 * event newer than the limit, nor an event without a key, and the ids and order of kept events never
 * change. A deleted key's tombstone is kept for {@code tombstone-retention} more, then removed with the
 * key's view row (after that, like in Kafka, a late older event could bring the key back).
 * <p>
 * A run walks the stream's keys in batches of {@code batch-keys}, one short transaction each, so it never
 * holds many locks or much memory. One run per stream at a time across instances: a run holds a
 * PostgreSQL advisory lock on its own connection until it ends (a crash releases it).
 */
@ApplicationScoped
public class CompactionService {

    private static final Logger LOG = Logger.getLogger(CompactionService.class);

    @Inject
    Pool pool;

    @Inject
    CompactionRunRepository runs;

    @Inject
    ViewKeysRepository viewKeys;

    @Inject
    EventLakeConfig config;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    /** Per stream, what went wrong with its last run or scheduled start, until a run of it succeeds. */
    private final Map<String, CompactionProblem> problems = new ConcurrentHashMap<>();

    /** A stream's last run failed, or its scheduled run could not start (not because one was running). */
    public record CompactionProblem(String stream, String what, String error, Instant since) {
    }

    private Counter eventsRemoved;

    /** Every {@code interval}, a run of each stream whose history compaction is configured. */
    void schedule(@Observes StartupEvent event) {
        eventsRemoved = Counter.builder("eventlake.compaction.events_removed")
                .description("Events history compaction removed (superseded, and tombstones past their retention)")
                .register(registry);
        if (scheduledStreams().isEmpty()) {
            return;
        }
        vertx.setPeriodic(config.compaction().interval().toMillis(), id -> config.compaction().streams().forEach(
                (stream, settings) -> settings.historyAfter().ifPresent(after -> start(stream, null, "scheduler")
                        .subscribe().with(run -> {
                            try (var fields = LogFields.of(LogFields.STREAM, stream, LogFields.COMPACTION_RUN, run.id())) {
                                LOG.infof("EL0501 scheduled history compaction %d of %s started", run.id(), stream);
                            }
                        }, failure -> scheduledStartFailed(stream, failure)))));
    }

    /** The streams whose history compaction runs on a schedule. */
    public List<String> scheduledStreams() {
        return config.compaction().streams().entrySet().stream().filter(entry -> entry.getValue().historyAfter().isPresent())
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** What is wrong with compaction now, by stream: empty while every stream's last run succeeded or runs. */
    public List<CompactionProblem> problems() {
        return problems.values().stream().sorted(Comparator.comparing(CompactionProblem::stream)).toList();
    }

    private void scheduledStartFailed(String stream, Throwable failure) {
        try (var fields = LogFields.of(LogFields.STREAM, stream)) {
            if (failure instanceof ConflictException) {
                LOG.debugf("EL0502 scheduled history compaction of %s not started: %s", stream, failure.getMessage());
                return;
            }
            LOG.warnf("EL0506 scheduled history compaction of %s could not start: %s", stream, failure.toString());
        }
        problem(stream, "the scheduled run could not start", failure);
    }

    private void problem(String stream, String what, Throwable failure) {
        problems.compute(stream, (key, known) -> new CompactionProblem(stream, what, failure.toString(),
                known == null ? Instant.now() : known.since()));
    }

    /**
     * Starts a run of the stream in the background and returns it as started. {@code historyAfter}
     * overrides the stream's setting for this run; one of them must be there.
     */
    public Uni<CompactionRun> start(String stream, Duration historyAfter, String by) {
        Optional<StreamCompaction> settings = config.compaction().stream(stream);
        Duration after = historyAfter != null ? historyAfter
                : settings.flatMap(StreamCompaction::historyAfter).orElseThrow(() -> new InvalidRequestException(
                        Violation.atPointer("/historyAfter", "history compaction is not configured for stream '" + stream
                                + "' (eventlake.compaction.stream.\"" + stream + "\".history-after): give historyAfter")));
        OffsetDateTime olderThan = OffsetDateTime.now(ZoneOffset.UTC).minus(after);
        OffsetDateTime tombstonesBefore = olderThan.minus(config.compaction().tombstoneRetentionOf(stream));
        return pool.getConnection().flatMap(connection -> runs.tryLock(connection, stream)
                .flatMap(locked -> {
                    if (!locked) {
                        throw new ConflictException("A history compaction of stream '" + stream + "' is already running.");
                    }
                    return runs.abandon(connection, stream)
                            .flatMap(x -> viewKeys.count(stream, config.streams().exactCountLimit()))
                            .flatMap(keys -> runs.create(connection, stream, olderThan, tombstonesBefore, by, keys));
                })
                .invoke(run -> {
                    try (var fields = LogFields.of(LogFields.STREAM, stream, LogFields.COMPACTION_RUN, run.id())) {
                        LOG.infof("EL0503 history compaction %d of %s: events before %s, tombstones before %s (%s%d keys)",
                                run.id(), stream, olderThan, tombstonesBefore, run.keysTotalEstimated() ? "about " : "",
                                run.keysTotal());
                    }
                    batches(connection, run, "")
                            .flatMap(x -> runs.finish(connection, run.id(), CompactionState.SUCCEEDED, null))
                            .invoke(() -> problems.remove(stream))
                            .onFailure().call(failure -> {
                                try (var fields = LogFields.of(LogFields.STREAM, stream, LogFields.COMPACTION_RUN,
                                        run.id())) {
                                    LOG.errorf("EL0504 history compaction %d of %s failed: %s", run.id(), stream, failure);
                                }
                                problem(stream, "run " + run.id() + " failed", failure);
                                return runs.finish(connection, run.id(), CompactionState.FAILED, failure.toString());
                            })
                            .onTermination().call(() -> release(connection, stream))
                            .subscribe().with(x -> {
                                try (var fields = LogFields.of(LogFields.STREAM, stream, LogFields.COMPACTION_RUN,
                                        run.id())) {
                                    LOG.infof("EL0505 history compaction %d of %s done", run.id(), stream);
                                }
                            }, failure -> {
                            });
                })
                .onFailure().call(() -> release(connection, stream)));
    }

    private Uni<Void> batches(SqlConnection connection, CompactionRun run, String afterKey) {
        return runs.keys(connection, run.stream(), afterKey, config.compaction().batchKeys()).flatMap(batch -> {
            if (batch.keys().isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return batch(connection, run, batch)
                    .flatMap(x -> batches(connection, run, batch.keys().get(batch.keys().size() - 1)));
        });
    }

    /** One batch of keys, in one transaction: older events of each key, then expired tombstones with their key. */
    private Uni<Void> batch(SqlConnection connection, CompactionRun run, KeyBatch batch) {
        return connection.begin().flatMap(tx -> runs.removeSuperseded(connection, run.stream(), batch, run.olderThan())
                .flatMap(removed -> runs.removeTombstonedKeys(connection, run.stream(), batch.keys(), run.tombstonesBefore())
                        .flatMap(tombstones -> runs.removeEvents(connection, tombstones)
                                .flatMap(x -> runs.progress(connection, run.id(), batch.keys().size(), removed,
                                        tombstones.size()))
                                .map(x -> removed + tombstones.size())))
                .flatMap(removedInAll -> tx.commit().invoke(() -> eventsRemoved.increment(removedInAll)))
                .onFailure().call(failure -> tx.rollback().onFailure().recoverWithNull()));
    }

    private Uni<Void> release(SqlConnection connection, String stream) {
        return runs.unlock(connection, stream)
                .onFailure().recoverWithNull()
                .onTermination().call(connection::close);
    }

    /** How many runs are in each state, of every stream. */
    public Uni<Map<CompactionState, Long>> countByState() {
        return runs.countByState(pool);
    }

    /** The latest runs first, optionally of one stream. */
    public Uni<List<CompactionRun>> list(String stream, int limit) {
        return runs.list(pool, stream, limit);
    }

    public Uni<CompactionRun> get(long id) {
        return runs.get(pool, id).map(found -> found.orElseThrow(() -> new NotFoundException("No compaction run " + id + ".")));
    }
}
