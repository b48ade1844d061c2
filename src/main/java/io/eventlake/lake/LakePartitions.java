package io.eventlake.lake;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.lake.LakePartitionRepository.Layout;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;

/**
 * Keeps the lake's partitions ahead of its sequence: at start and every {@code eventlake.lake.partition-check-interval},
 * each instance makes sure a whole partition ({@code eventlake.lake.partition-size} seqs) lies ahead of the next seq,
 * creating the next ones when it does not (one instance at a time: the database function takes a lock). An append
 * that still finds no partition for its rows (a lake growing faster than the checks, or partitions dropped by hand)
 * fails, calls for a check at once and is retried as any failed store is.
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

    /** How the last check on this instance ended. */
    public record LastCheck(Instant at, Layout layout, String failure, Instant failingSince) {

        public boolean failed() {
            return failure != null;
        }
    }

    private final AtomicReference<LastCheck> lastCheck = new AtomicReference<>();

    /** A check going on: a slow one is not started twice. */
    private final AtomicBoolean checking = new AtomicBoolean();

    private volatile long timer = -1;

    void schedule(@Observes StartupEvent event) {
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
                .onFailure().invoke(this::failed)
                .onTermination().invoke(() -> checking.set(false));
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
