package io.eventlake.ingest;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventlake.envelope.EnvelopeExtractor;
import io.eventlake.envelope.EventJudge;
import io.eventlake.error.Violation;
import io.eventlake.event.StreamNaming;
import io.eventlake.messaging.Channels;
import io.eventlake.metrics.IngestMetrics;
import io.eventlake.schema.EventValidator;
import io.eventlake.schema.EventValidator.Invalid;
import io.eventlake.schema.EventValidator.Verdict;
import io.eventlake.schema.SchemaViolationException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * HTTP ingest takes the same pipeline as every producer: the events are published, as structured
 * CloudEvents keyed by subject, to the HTTP ingest topic, and the call returns once the broker has
 * acknowledged them (acks=all, so they are durable). From there on they are consumed, stored, deduplicated
 * and forwarded exactly like events that arrived over Kafka.
 */
@ApplicationScoped
public class HttpIngestService {

    @Inject
    @Channel(Channels.HTTP_INGEST)
    // Bounded by eventlake.http.max-batch-size per request.
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<byte[]> emitter;

    @Inject
    ObjectMapper mapper;

    @Inject
    EventValidator validator;

    @Inject
    EventJudge judge;

    @Inject
    IngestMetrics metrics;

    /**
     * Checks every event against its type's schema (422 listing every violation, nothing published), then
     * publishes them; completes once the broker holds them all.
     */
    public Uni<Void> ingest(List<HttpEvent> events, boolean batch) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return validator.ready().flatMap(ready -> {
                checkSchemas(events, batch);
                return publish(events);
            }).invoke(() -> metrics.httpIngestDurable(System.nanoTime() - start));
        });
    }

    /**
     * Refuses the request (422) when any event breaks its type's schema or is dated too far ahead, listing every
     * violation: what ingest would make a dead letter is refused to the caller instead.
     */
    private void checkSchemas(List<HttpEvent> events, boolean batch) {
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            HttpEvent event = events.get(i);
            String at = batch ? "/" + i : "";
            judge.futureTimeProblem(event.time() == null ? null : OffsetDateTime.parse(event.time()))
                    .ifPresent(problem -> violations.add(Violation.atPointer(at + "/time", problem)));
            Verdict verdict = validator.validateNode(event.type(), StreamNaming.streamOf(event.type()), event.dataSchema(),
                    event.data());
            if (verdict instanceof Invalid invalid) {
                String prefix = (batch ? "/" + i : "")
                        + (invalid.refusal() == EventValidator.Refusal.UNKNOWN_TYPE ? "/type" : "/data");
                invalid.violations().forEach(v -> violations.add(Violation.atPointer(prefix + v.pointer(), v.message())));
            }
        }
        if (!violations.isEmpty()) {
            throw new SchemaViolationException(violations);
        }
    }

    private Uni<Void> publish(List<HttpEvent> events) {
        return Multi.createFrom().iterable(events)
                .onItem().transformToUni(event -> emitter.sendMessage(toMessage(event)))
                // handed to the producer in order, so order per key holds; acknowledged in parallel
                .merge(256)
                .collect().last().replaceWithVoid();
    }

    private Message<byte[]> toMessage(HttpEvent event) {
        ObjectNode envelope = mapper.createObjectNode()
                .put("specversion", "1.0")
                .put("id", event.id())
                .put("source", event.source())
                .put("type", event.type())
                .put("time", event.time());
        if (event.subject() != null) {
            envelope.put("subject", event.subject());
        }
        if (event.dataContentType() != null) {
            envelope.put("datacontenttype", event.dataContentType());
        }
        if (event.dataSchema() != null) {
            envelope.put("dataschema", event.dataSchema());
        }
        if (event.data() != null) {
            envelope.set("data", event.data());
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", EnvelopeExtractor.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withKey(event.subject())
                .withHeaders(headers)
                .build();
        return Message.of(envelope.toString().getBytes(StandardCharsets.UTF_8)).addMetadata(metadata);
    }
}
