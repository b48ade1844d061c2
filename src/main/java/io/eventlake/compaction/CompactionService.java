package io.eventlake.compaction;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

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
    EventLakeConfig config;

    @Inject
    Vertx vertx;

    /** Every {@code interval}, a run of each stream whose history compaction is configured. */
    void schedule(@Observes StartupEvent event) {
        if (config.compaction().streams().values().stream().noneMatch(s -> s.historyAfter().isPresent())) {
            return;
        }
        vertx.setPeriodic(config.compaction().interval().toMillis(), id -> config.compaction().streams().forEach(
                (stream, settings) -> settings.historyAfter().ifPresent(after -> start(stream, null, "scheduler")
                        .subscribe().with(run -> LOG.infof("EL0501 scheduled history compaction %d of %s started", run.id(),
                                stream),
                                failure -> LOG.debugf("EL0502 scheduled history compaction of %s not started: %s", stream,
                                        failure.getMessage())))));
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
                            .flatMap(x -> runs.create(connection, stream, olderThan, tombstonesBefore, by));
                })
                .invoke(run -> {
                    LOG.infof("EL0503 history compaction %d of %s: events before %s, tombstones before %s (%d keys)",
                            run.id(), stream, olderThan, tombstonesBefore, run.keysTotal());
                    batches(connection, run, "")
                            .flatMap(x -> runs.finish(connection, run.id(), CompactionState.SUCCEEDED, null))
                            .onFailure().call(failure -> {
                                LOG.errorf("EL0504 history compaction %d of %s failed: %s", run.id(), stream, failure);
                                return runs.finish(connection, run.id(), CompactionState.FAILED, failure.toString());
                            })
                            .onTermination().call(() -> release(connection, stream))
                            .subscribe().with(x -> LOG.infof("EL0505 history compaction %d of %s done", run.id(), stream),
                                    failure -> {
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
                                        tombstones.size()))))
                .flatMap(x -> tx.commit())
                .onFailure().call(failure -> tx.rollback().onFailure().recoverWithNull()));
    }

    private Uni<Void> release(SqlConnection connection, String stream) {
        return runs.unlock(connection, stream)
                .onFailure().recoverWithNull()
                .onTermination().call(connection::close);
    }

    /** The latest runs first, optionally of one stream. */
    public Uni<List<CompactionRun>> list(String stream, int limit) {
        return runs.list(pool, stream, limit);
    }

    public Uni<CompactionRun> get(long id) {
        return runs.get(pool, id).map(found -> found.orElseThrow(() -> new NotFoundException("No compaction run " + id + ".")));
    }
}
