package io.eventlake.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.event.Event;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
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
 * <li>{@code eventlake.end_to_end.latency{stream}}: from the event's time to its forward.</li>
 * </ul>
 */
@ApplicationScoped
public class IngestMetrics {

    @Inject
    MeterRegistry registry;

    /** Per stream; looked up once per event, so kept here rather than rebuilt through the registry each time. */
    private final Map<String, DistributionSummary> endToEnd = new ConcurrentHashMap<>();

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
                .tag("stream", stream).register(registry).increment(events);
    }

    /** Records refused, by the reason's code. */
    public void deadLettered(String reason, int records) {
        Counter.builder("eventlake.events.dead_lettered")
                .description("Records that could not become events and went to the dead letters")
                .tag("reason", reason).register(registry).increment(records);
    }

    public void lakeWrite(long nanos) {
        Timer.builder("eventlake.lake.write").description("Time to store one ingest batch in the lake")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void forward(long nanos, List<Event> forwarded) {
        Timer.builder("eventlake.forward").description("Time to forward one ingest batch to the clean topics")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        long now = System.currentTimeMillis();
        for (Event event : forwarded) {
            endToEnd.computeIfAbsent(event.stream(), stream -> DistributionSummary.builder("eventlake.end_to_end.latency")
                    .baseUnit("milliseconds").description("From the event's time to its forward")
                    .tag("stream", stream).register(registry))
                    .record(Math.max(0, now - event.time().toInstant().toEpochMilli()));
        }
    }

    public void rejected(String stream, String reason) {
        Counter.builder("eventlake.events.rejected").description("Events refused by schema validation, by stream and reason")
                .tag("stream", stream).tag("reason", reason).register(registry).increment();
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
                .tag("stream", stream).tag("topic", topic).tag("reason", reason).register(registry).increment();
    }

    private Counter ingested(String stream, String outcome) {
        return Counter.builder("eventlake.events.ingested").description("Events ingested, by stream and outcome")
                .tag("stream", stream).tag("outcome", outcome).register(registry);
    }
}
