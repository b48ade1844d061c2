package io.eventlake.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.event.Event;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Ingest meters, scraped at {@code /q/metrics}:
 * <ul>
 * <li>{@code eventlake.events.ingested{stream,outcome}}: events stored, or recognised as duplicates;</li>
 * <li>{@code eventlake.events.superseded{stream}}: stored events older than their key's latest, not
 * forwarded;</li>
 * <li>{@code eventlake.events.unforwarded{stream,topic,reason}}: events a routed topic cannot take;</li>
 * <li>{@code eventlake.events.dead_lettered{reason}}: records refused;</li>
 * <li>{@code eventlake.events.rejected{stream,reason}}: events that failed schema validation (or had an
 * unknown type their stream rejects);</li>
 * <li>{@code eventlake.lake.write}: time to store one batch;</li>
 * <li>{@code eventlake.forward}: time to forward one batch;</li>
 * <li>{@code eventlake.http.ingest.durable}: from a {@code POST /events} to its events being durable;</li>
 * <li>{@code eventlake.end_to_end.latency{stream,from}}: to an event's forward from its time ({@code from=event_time})
 * and from its arrival at the service ({@code from=arrival}; a producer's skewed clock cannot hide the service's
 * own delay there).</li>
 * </ul>
 * Timers are in seconds with the histogram buckets of {@link #BUCKETS} (the 10, 50, 100 and 500 ms objectives
 * among them), so percentiles come from {@code histogram_quantile} in PromQL.
 * A {@code stream} tag is bounded by {@link MeterTags}: past {@code eventlake.metrics.max-tag-values} streams, the
 * rest count as {@code other}.
 */
@ApplicationScoped
public class IngestMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    MeterTags tags;

    /**
     * Bucket bounds of every timer: the service-level objectives (10, 50, 100, 500 ms) and enough around them for
     * percentiles, few enough that a timer per stream stays cheap to scrape.
     */
    static final Duration[] BUCKETS = Stream.of(5L, 10L, 25L, 50L, 100L, 250L, 500L, 1_000L, 2_500L, 5_000L, 10_000L,
            30_000L, 60_000L, 300_000L).map(Duration::ofMillis).toArray(Duration[]::new);

    /** Per stream tag and origin; looked up once per event, so kept here rather than rebuilt each time. */
    private final Map<String, Timer> endToEnd = new ConcurrentHashMap<>();

    /** Events new to the lake. */
    public void stored(String stream, int events) {
        ingested(stream, "stored").increment(events);
    }

    /** Events the lake already held (redeliveries, repeated ids). */
    public void duplicates(String stream, int events) {
        ingested(stream, "duplicate").increment(events);
    }

    /** Stored events older than their key's latest. */
    public void superseded(String stream, int events) {
        Counter.builder("eventlake.events.superseded")
                .description("Stored events older than their key's latest: kept in the history, not forwarded")
                .tag("stream", tags.stream(stream)).register(registry).increment(events);
    }

    /** Records refused, by the reason's code. */
    public void deadLettered(String reason, int records) {
        Counter.builder("eventlake.events.dead_lettered")
                .description("Records that could not become events and went to the dead letters")
                .tag("reason", reason).register(registry).increment(records);
    }

    public void lakeWrite(long nanos) {
        Timer.builder("eventlake.lake.write").description("Time to store one ingest batch in the lake")
                .serviceLevelObjectives(BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One {@code POST /events} accepted: from the request to the broker holding every event of it. */
    public void httpIngestDurable(long nanos) {
        Timer.builder("eventlake.http.ingest.durable")
                .description("From a POST /events to its events being durable in the HTTP ingest topic")
                .serviceLevelObjectives(BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One batch forwarded in {@code nanos}; {@code arrivedAt}: when it reached the service (epoch ms). */
    public void forward(long nanos, List<Event> forwarded, long arrivedAt) {
        Timer.builder("eventlake.forward").description("Time to forward one ingest batch to the clean topics")
                .serviceLevelObjectives(BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
        long now = System.currentTimeMillis();
        for (Event event : forwarded) {
            String stream = tags.stream(event.stream());
            endToEnd(stream, "event_time").record(Math.max(0, now - event.time().toInstant().toEpochMilli()),
                    TimeUnit.MILLISECONDS);
            endToEnd(stream, "arrival").record(Math.max(0, now - arrivedAt), TimeUnit.MILLISECONDS);
        }
    }

    private Timer endToEnd(String stream, String from) {
        return endToEnd.computeIfAbsent(stream + '\n' + from, key -> Timer.builder("eventlake.end_to_end.latency")
                .description("To an event's forward from its time (from=event_time) or from its arrival (from=arrival)")
                .tag("stream", stream).tag("from", from).serviceLevelObjectives(BUCKETS).register(registry));
    }

    public void rejected(String stream, String reason) {
        Counter.builder("eventlake.events.rejected").description("Events refused by schema validation, by stream and reason")
                .tag("stream", tags.stream(stream)).tag("reason", reason).register(registry).increment();
    }

    /** Records of a batch sent again that the broker already held, so they were not sent a second time. */
    public void notResent(int records) {
        Counter.builder("eventlake.forward.not_resent")
                .description("Records of a batch sent again (after a stop or a failed attempt) found on the broker")
                .register(registry).increment(records);
    }

    public void unforwarded(String stream, String topic, String reason) {
        Counter.builder("eventlake.events.unforwarded")
                .description("Stored events a routed topic cannot take (a compacted topic needs a key)")
                .tag("stream", tags.stream(stream)).tag("topic", topic).tag("reason", reason).register(registry).increment();
    }

    private Counter ingested(String stream, String outcome) {
        return Counter.builder("eventlake.events.ingested").description("Events ingested, by stream and outcome")
                .tag("stream", tags.stream(stream)).tag("outcome", outcome).register(registry);
    }
}
