package io.eventlake.console;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.eventlake.config.EventLakeConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Samples the service's own meters every {@code eventlake.console.sample-interval} and keeps the last
 * {@code samples-kept} intervals for the overview's figures and charts: the same counters Prometheus scrapes,
 * so the console and a dashboard agree, without the console needing a Prometheus server.
 */
@ApplicationScoped
public class OverviewSampler {

    /** The counters and timer the overview reads, by the names {@code IngestMetrics} registers them under. */
    static final String STORED = "eventlake.events.ingested";
    static final String REJECTED = "eventlake.events.rejected";
    static final String DEAD_LETTERED = "eventlake.events.dead_lettered";
    static final String LATENCY = "eventlake.end_to_end.latency";
    static final String PENDING_DEAD_LETTERS = "eventlake.dead_letters.pending";

    @Inject
    MeterRegistry registry;

    @Inject
    EventLakeConfig config;

    private final Deque<OverviewSample> samples = new ArrayDeque<>();
    private Reading previous;

    /** The meters' totals at one moment. */
    record Reading(long atNanos, double stored, double rejected, double deadLettered, LatencyHistogram latency) {
    }

    void start(@Observes StartupEvent start, Vertx vertx) {
        previous = read();
        vertx.setPeriodic(config.console().sampleInterval().toMillis(), id -> sample());
    }

    synchronized void sample() {
        Reading now = read();
        double seconds = Math.max(1e-3, (now.atNanos - previous.atNanos) / 1e9);
        LatencyHistogram interval = now.latency.since(previous.latency);
        samples.addLast(new OverviewSample(System.currentTimeMillis() / 1000, rate(now.stored - previous.stored, seconds),
                rate(now.rejected - previous.rejected, seconds), rate(now.deadLettered - previous.deadLettered, seconds),
                interval.quantile(0.5), interval.quantile(0.99)));
        while (samples.size() > config.console().samplesKept()) {
            samples.removeFirst();
        }
        previous = now;
    }

    /** The kept samples, oldest first. */
    public synchronized List<OverviewSample> samples() {
        return new ArrayList<>(samples);
    }

    /** The last interval's sample, if one was taken yet. */
    public synchronized Optional<OverviewSample> latest() {
        return Optional.ofNullable(samples.peekLast());
    }

    /** Dead letters waiting for an operator, as the state gauges last read them from the database. */
    public long pendingDeadLetters() {
        return (long) registry.find(PENDING_DEAD_LETTERS).gauges().stream().mapToDouble(Gauge::value).sum();
    }

    private Reading read() {
        LatencyHistogram latency = LatencyHistogram.EMPTY;
        for (Timer timer : registry.find(LATENCY).tag("from", "arrival").timers()) {
            latency = latency.plus(histogram(timer.takeSnapshot()));
        }
        return new Reading(System.nanoTime(), sum(registry.find(STORED).tag("outcome", "stored").counters()),
                sum(registry.find(REJECTED).counters()), sum(registry.find(DEAD_LETTERED).counters()), latency);
    }

    private static LatencyHistogram histogram(HistogramSnapshot snapshot) {
        CountAtBucket[] buckets = snapshot.histogramCounts();
        double[] bounds = new double[buckets.length];
        long[] counts = new long[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            bounds[i] = buckets[i].bucket(TimeUnit.MILLISECONDS);
            counts[i] = (long) buckets[i].count();
        }
        return new LatencyHistogram(bounds, counts, snapshot.count());
    }

    private static double sum(java.util.Collection<Counter> counters) {
        return counters.stream().mapToDouble(Counter::count).sum();
    }

    private static double rate(double delta, double seconds) {
        return Math.max(0, delta) / seconds;
    }
}
