package io.eventlake.observability;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.eventlake.compaction.CompactionService;
import io.eventlake.compaction.CompactionState;
import io.eventlake.config.EventLakeConfig;
import io.eventlake.deadletter.DeadLetterRepository;
import io.eventlake.metrics.MeterTags;
import io.eventlake.replay.ReplayJob;
import io.eventlake.replay.ReplayRepository;
import io.eventlake.replay.ReplayState;
import io.eventlake.schema.SchemaCache;
import io.eventlake.streams.ReaderSlots;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * State gauges, for dashboards and alerts:
 * <ul>
 * <li>{@code eventlake.dead_letters.pending{reason}}: dead letters waiting for an operator;</li>
 * <li>{@code eventlake.replay.jobs{state}}: replay and backfill jobs by state;</li>
 * <li>{@code eventlake.replay.sent{job,target}} and {@code eventlake.replay.total{job,target}}: each running job's
 * progress (its rate is {@code rate(eventlake_replay_sent[1m])});</li>
 * <li>{@code eventlake.compaction.runs{state}}: history compaction runs by state;</li>
 * <li>{@code eventlake.readers.open}: snapshots and event streams open on this instance;</li>
 * <li>{@code eventlake.schema.listening}: 1 while the LISTEN connection for schema changes is up, else 0.</li>
 * </ul>
 * The database ones are read every {@code eventlake.metrics.sample-interval} (a few grouped counts); a read that
 * fails (the database away) keeps the last values.
 */
@ApplicationScoped
public class StateGauges {

    private static final Logger LOG = Logger.getLogger(StateGauges.class);

    @Inject
    MeterRegistry registry;

    @Inject
    EventLakeConfig config;

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @Inject
    DeadLetterRepository deadLetters;

    @Inject
    ReplayRepository replays;

    @Inject
    MeterTags tags;

    @Inject
    CompactionService compaction;

    @Inject
    ReaderSlots readers;

    @Inject
    SchemaCache schemas;

    /** One value per tag value, registered once and then only set: no meter is removed and added every sample. */
    private final Map<String, AtomicLong> pendingByReason = new ConcurrentHashMap<>();
    private final Map<ReplayState, AtomicLong> jobsByState = new EnumMap<>(ReplayState.class);
    private final Map<CompactionState, AtomicLong> compactionsByState = new EnumMap<>(CompactionState.class);
    /** The progress gauges of the jobs running at the last sample, removed when a job no longer runs. */
    private final Map<Long, JobProgress> running = new HashMap<>();

    private record JobProgress(AtomicLong sent, AtomicLong total, List<Meter> meters) {
    }

    void start(@Observes StartupEvent event) {
        for (ReplayState state : ReplayState.values()) {
            AtomicLong count = new AtomicLong();
            jobsByState.put(state, count);
            Gauge.builder("eventlake.replay.jobs", count, AtomicLong::get).description("Replay and backfill jobs, by state")
                    .tag("state", state.name()).register(registry);
        }
        for (CompactionState state : CompactionState.values()) {
            AtomicLong count = new AtomicLong();
            compactionsByState.put(state, count);
            Gauge.builder("eventlake.compaction.runs", count, AtomicLong::get).description("History compaction runs, by state")
                    .tag("state", state.name()).register(registry);
        }
        Gauge.builder("eventlake.readers.open", readers, ReaderSlots::open)
                .description("Snapshots and event streams open on this instance").register(registry);
        Gauge.builder("eventlake.schema.listening", schemas, cache -> cache.listening() ? 1 : 0)
                .description("1 while this instance hears schema changes (its LISTEN connection is up)").register(registry);
        vertx.setPeriodic(1, config.metrics().sampleInterval().toMillis(), id -> sample());
    }

    private void sample() {
        deadLetters.pendingByReason(pool).subscribe().with(counts -> {
            counts.forEach((reason, count) -> pendingByReason.computeIfAbsent(reason, this::pendingGauge).set(count));
            pendingByReason.forEach((reason, value) -> {
                if (!counts.containsKey(reason)) {
                    value.set(0);
                }
            });
        }, failure -> LOG.debugf("dead-letter gauges not read: %s", failure));
        replays.countByState().subscribe().with(
                counts -> jobsByState.forEach((state, value) -> value.set(counts.getOrDefault(state, 0L))),
                failure -> LOG.debugf("replay gauges not read: %s", failure));
        compaction.countByState().subscribe().with(
                counts -> compactionsByState.forEach((state, value) -> value.set(counts.getOrDefault(state, 0L))),
                failure -> LOG.debugf("compaction gauges not read: %s", failure));
        replays.running().subscribe().with(this::progress,
                failure -> LOG.debugf("replay progress not read: %s", failure));
    }

    /** Reason codes are a closed set (the dead letters' reasons), so these gauges stay few. */
    private AtomicLong pendingGauge(String reason) {
        AtomicLong value = new AtomicLong();
        Gauge.builder("eventlake.dead_letters.pending", value, AtomicLong::get)
                .description("Dead letters waiting for an operator, by reason").tag("reason", reason).register(registry);
        return value;
    }

    private synchronized void progress(List<ReplayJob> jobs) {
        Map<Long, ReplayJob> now = new HashMap<>();
        jobs.forEach(job -> now.put(job.id(), job));
        // A job's series lives only while it runs.
        running.entrySet().removeIf(entry -> {
            if (now.containsKey(entry.getKey())) {
                return false;
            }
            entry.getValue().meters().forEach(registry::remove);
            return true;
        });
        now.forEach((id, job) -> {
            JobProgress progress = running.computeIfAbsent(id, newId -> progressGauges(job));
            progress.sent().set(job.sent());
            progress.total().set(job.totalExpected());
        });
    }

    private JobProgress progressGauges(ReplayJob job) {
        Tags jobTags = Tags.of("job", Long.toString(job.id()), "target", tags.target(job.targetTopic()));
        AtomicLong sent = new AtomicLong();
        AtomicLong total = new AtomicLong();
        List<Meter> meters = List.of(
                Gauge.builder("eventlake.replay.sent", sent, AtomicLong::get)
                        .description("Events a running replay job has sent").tags(jobTags).register(registry),
                Gauge.builder("eventlake.replay.total", total, AtomicLong::get)
                        .description("Events a running replay job is to send in all").tags(jobTags).register(registry));
        return new JobProgress(sent, total, meters);
    }
}
