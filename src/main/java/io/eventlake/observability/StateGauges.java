package io.eventlake.observability;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.deadletter.DeadLetterRepository;
import io.eventlake.metrics.MeterTags;
import io.eventlake.replay.ReplayJob;
import io.eventlake.replay.ReplayRepository;
import io.eventlake.replay.ReplayState;
import io.eventlake.schema.SchemaCache;
import io.eventlake.streams.ReaderSlots;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
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
    ReaderSlots readers;

    @Inject
    SchemaCache schemas;

    private MultiGauge pendingDeadLetters;
    private MultiGauge jobsByState;
    private MultiGauge jobsSent;
    private MultiGauge jobsTotal;

    void start(@Observes StartupEvent event) {
        pendingDeadLetters = MultiGauge.builder("eventlake.dead_letters.pending")
                .description("Dead letters waiting for an operator, by reason").register(registry);
        jobsByState = MultiGauge.builder("eventlake.replay.jobs").description("Replay and backfill jobs, by state")
                .register(registry);
        jobsSent = MultiGauge.builder("eventlake.replay.sent").description("Events a running replay job has sent")
                .register(registry);
        jobsTotal = MultiGauge.builder("eventlake.replay.total")
                .description("Events a running replay job is to send in all").register(registry);
        Gauge.builder("eventlake.readers.open", readers, ReaderSlots::open)
                .description("Snapshots and event streams open on this instance").register(registry);
        Gauge.builder("eventlake.schema.listening", schemas, cache -> cache.listening() ? 1 : 0)
                .description("1 while this instance hears schema changes (its LISTEN connection is up)").register(registry);
        vertx.setPeriodic(1, config.metrics().sampleInterval().toMillis(), id -> sample());
    }

    private void sample() {
        deadLetters.pendingByReason(pool).subscribe().with(counts -> {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            counts.forEach((reason, count) -> rows.add(MultiGauge.Row.of(Tags.of("reason", reason), count)));
            pendingDeadLetters.register(rows, true);
        }, failure -> LOG.debugf("dead-letter gauges not read: %s", failure));
        replays.countByState().subscribe().with(counts -> {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (ReplayState state : ReplayState.values()) {
                rows.add(MultiGauge.Row.of(Tags.of("state", state.name()), counts.getOrDefault(state, 0L)));
            }
            jobsByState.register(rows, true);
        }, failure -> LOG.debugf("replay gauges not read: %s", failure));
        replays.running().subscribe().with(this::progress,
                failure -> LOG.debugf("replay progress not read: %s", failure));
    }

    private void progress(List<ReplayJob> running) {
        List<MultiGauge.Row<?>> sent = new ArrayList<>();
        List<MultiGauge.Row<?>> total = new ArrayList<>();
        for (ReplayJob job : running) {
            Tags jobTags = Tags.of("job", Long.toString(job.id()), "target", tags.target(job.targetTopic()));
            sent.add(MultiGauge.Row.of(jobTags, job.sent()));
            total.add(MultiGauge.Row.of(jobTags, job.totalExpected()));
        }
        // Finished jobs drop out: a job's series lives only while it runs.
        jobsSent.register(sent, true);
        jobsTotal.register(total, true);
    }
}
