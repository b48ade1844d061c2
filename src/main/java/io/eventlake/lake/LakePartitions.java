package io.eventlake.lake;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.lake.LakePartitionRepository.EndedPartition;
import io.eventlake.lake.LakePartitionRepository.Layout;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;

/**
 * Keeps the lake's partitions ahead of its sequence: at start and every {@code eventlake.lake.partition-check-interval},
 * each instance makes sure a whole partition ({@code eventlake.lake.partition-size} seqs) lies ahead of the next seq,
 * creating the next ones when it does not (one instance at a time: the database function takes a lock). An append
 * that still finds no partition for its rows (a lake growing faster than the checks, or partitions dropped by hand)
 * fails, calls for a check at once and is retried as any failed store is.
 * <p>
 * After each check, a partition that retention or history compaction left empty is dropped, which gives its disk back
 * at once (deleted rows only leave space for later rows of the same partition, and no later row goes there). Only one
 * a whole partition of seqs behind the next seq: no append can still be on its way into it.
 */
@ApplicationScoped
public class LakePartitions {

    private static final Logger LOG = Logger.getLogger(LakePartitions.class);

    /** PostgreSQL's check_violation, which a row with no partition to go to raises. */
    private static final String CHECK_VIOLATION = "23514";

    @Inject
    Pool pool;

    @Inject
    LakePartitionRepository repository;

    @Inject
    EventLakeConfig config;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    /** How the last check on this instance ended. */
    public record LastCheck(Instant at, Layout layout, String failure, Instant failingSince) {

        public boolean failed() {
            return failure != null;
        }
    }

    private final AtomicReference<LastCheck> lastCheck = new AtomicReference<>();

    /** A check going on: a slow one is not started twice. */
    private final AtomicBoolean checking = new AtomicBoolean();

    /** A drop going on (it may wait for long reads of the partition): not started twice, never in a check's way. */
    private final AtomicBoolean dropping = new AtomicBoolean();

    /** Partitions this instance dropped since it started, and the last one. */
    private final AtomicLong dropped = new AtomicLong();
    private volatile String lastDropped;
    private volatile String lastDropFailure;

    private Counter droppedCounter;

    private volatile long timer = -1;

    void schedule(@Observes StartupEvent event) {
        droppedCounter = Counter.builder("eventlake.lake.partitions_dropped")
                .description("Lake partitions left empty by retention or history compaction, dropped").register(registry);
        checkNow();
        timer = vertx.setPeriodic(config.lake().partitionCheckInterval().toMillis(), id -> checkNow());
    }

    /** No check starts while the service stops (its pool is closing: it would only fail). */
    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    /** Whether an append failed because no partition takes some of its rows. */
    public static boolean isMissingPartition(Throwable failure) {
        return failure instanceof PgException pg && CHECK_VIOLATION.equals(pg.getSqlState())
                && pg.getErrorMessage() != null && pg.getErrorMessage().startsWith("no partition of relation");
    }

    /** Starts a check unless one is going on; its outcome is logged and kept for {@link #lastCheck()}. */
    public void checkNow() {
        check().subscribe().with(x -> {
        }, failure -> {
        });
    }

    /** The last check on this instance; null before the first ends. */
    public LastCheck lastCheck() {
        return lastCheck.get();
    }

    public long partitionSize() {
        return config.lake().partitionSize();
    }

    /** Creates the partitions that are due and answers the lake's layout after it; null when a check was going on. */
    public Uni<Layout> check() {
        if (!checking.compareAndSet(false, true)) {
            return Uni.createFrom().nullItem();
        }
        long size = config.lake().partitionSize();
        return pool.withTransaction(connection -> repository.ensure(connection, size))
                .invoke(created -> logCreated(created, size))
                .flatMap(created -> repository.layout(pool))
                .invoke(layout -> lastCheck.set(new LastCheck(Instant.now(), layout, null, null)))
                .invoke(this::dropEmptyPartitions)
                .onFailure().invoke(this::failed)
                .onTermination().invoke(() -> checking.set(false));
    }

    /** Partitions this instance dropped since it started. */
    public long dropped() {
        return dropped.get();
    }

    /** The last partition this instance dropped, and its seqs; null before the first. */
    public String lastDropped() {
        return lastDropped;
    }

    /** Why the last drop pass failed; null when it did not. */
    public String lastDropFailure() {
        return lastDropFailure;
    }

    /**
     * Drops the partitions left empty that end a whole partition of seqs behind the next one, oldest first, on one
     * connection that holds a session lock (one instance at a time). Runs beside the checks; what fails is tried again
     * after the next check.
     */
    private void dropEmptyPartitions(Layout layout) {
        if (!dropping.compareAndSet(false, true)) {
            return;
        }
        long endAtOrBefore = layout.nextSeq() - config.lake().partitionSize();
        pool.withConnection(connection -> repository.beginDropPass(connection)
                .flatMap(ours -> !ours ? Uni.createFrom().voidItem()
                        : repository.endedBefore(connection, endAtOrBefore)
                                .flatMap(ended -> Multi.createFrom().iterable(ended)
                                        .onItem().transformToUniAndConcatenate(partition -> dropIfEmpty(connection, partition))
                                        .collect().asList().replaceWithVoid())
                                .eventually(() -> repository.endDropPass(connection).onFailure().recoverWithNull())))
                .onTermination().invoke(() -> dropping.set(false))
                .subscribe().with(done -> lastDropFailure = null, failure -> {
                    lastDropFailure = failure.toString();
                    LOG.warnf("EL1205 a lake partition left empty could not be dropped: %s; tried again after the next "
                            + "check (every %s)", failure.toString(), config.lake().partitionCheckInterval());
                });
    }

    /**
     * Takes one ended partition out and drops it when it holds no row; one found to hold rows once detached (nothing
     * should write there, but nothing is lost if something did) is attached again.
     */
    private Uni<Void> dropIfEmpty(SqlConnection connection, EndedPartition partition) {
        String name = partition.name();
        Uni<Boolean> detached = switch (partition.attachment()) {
            case GONE, DETACHED -> Uni.createFrom().item(true);
            case DETACH_PENDING -> repository.finishDetach(connection, name).replaceWith(true);
            case ATTACHED -> repository.isEmpty(connection, name).flatMap(empty -> !empty ? Uni.createFrom().item(false)
                    : repository.detachConcurrently(connection, name).replaceWith(true));
        };
        return detached.flatMap(out -> {
            if (!out) {
                return Uni.createFrom().voidItem();
            }
            if (partition.attachment() == LakePartitionRepository.Attachment.GONE) {
                return repository.drop(connection, name).invoke(() -> recordDropped(partition, "listing of a table "
                        + "no longer there removed"));
            }
            return repository.isEmpty(connection, name).flatMap(empty -> empty
                    ? repository.drop(connection, name).invoke(() -> recordDropped(partition, "left empty, dropped"))
                    : repository.reattach(connection, partition).invoke(() -> LOG.warnf("EL1204 lake partition %s held "
                            + "rows once detached and was attached again (seqs %d to %d): nothing is dropped", name,
                            partition.fromSeq(), partition.toSeq() - 1)));
        });
    }

    private void recordDropped(EndedPartition partition, String what) {
        dropped.incrementAndGet();
        droppedCounter.increment();
        lastDropped = partition.name() + " (seqs " + partition.fromSeq() + " to " + (partition.toSeq() - 1) + ")";
        LOG.infof("EL1203 lake partition %s: %s", lastDropped, what);
    }

    private static void logCreated(List<String> created, long size) {
        if (!created.isEmpty()) {
            LOG.infof("EL1201 lake partitions created: %s (%d events each, eventlake.lake.partition-size)", created, size);
        }
    }

    private void failed(Throwable failure) {
        LOG.warnf("EL1202 the lake's partitions could not be checked or created: %s; appends beyond the last partition "
                + "fail and are retried until a check succeeds (every %s)", failure.toString(),
                config.lake().partitionCheckInterval());
        lastCheck.getAndUpdate(known -> new LastCheck(Instant.now(), known == null ? null : known.layout(),
                failure.toString(), known != null && known.failed() ? known.failingSince() : Instant.now()));
    }
}
