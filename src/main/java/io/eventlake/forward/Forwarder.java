package io.eventlake.forward;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.event.Event;
import io.eventlake.event.StreamNaming;
import io.eventlake.messaging.Channels;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Forwards stored events to the clean topic of their stream, as CloudEvents in binary mode: the record key
 * is the event's subject, the value its data, the attributes {@code ce_*} headers. Records are handed to
 * the producer in list order (the idempotent producer keeps that order per partition), so order per key is
 * preserved; the returned Uni completes once the broker acknowledged every one.
 */
@ApplicationScoped
public class Forwarder {

    private static final byte[] SPEC_VERSION = "1.0".getBytes(StandardCharsets.UTF_8);

    @Inject
    @Channel(Channels.FORWARD)
    // In-flight sends are bounded by eventlake.forward.max-in-flight below, so this buffer is too.
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<byte[]> emitter;

    @Inject
    EventLakeConfig config;

    public Uni<Void> forward(List<Event> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(events)
                .onItem().transformToUni(event -> emitter.sendMessage(toMessage(event)))
                .merge(config.forward().maxInFlight())
                .collect().last().replaceWithVoid();
    }

    /** The clean topic of an event. */
    public String topicOf(Event event) {
        return StreamNaming.topicOf(config.forward().topicPrefix(), event.stream());
    }

    private Message<byte[]> toMessage(Event event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", SPEC_VERSION);
        headers.add("ce_id", utf8(event.id()));
        headers.add("ce_source", utf8(event.source()));
        headers.add("ce_type", utf8(event.type()));
        headers.add("ce_time", utf8(event.time().toString()));
        if (event.subject() != null) {
            headers.add("ce_subject", utf8(event.subject()));
        }
        if (event.dataSchema() != null) {
            headers.add("ce_dataschema", utf8(event.dataSchema()));
        }
        headers.add("content-type", utf8(event.dataContentType() != null ? event.dataContentType() : "application/json"));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withTopic(topicOf(event))
                .withKey(event.subject())
                .withHeaders(headers)
                .build();
        byte[] value = event.data() == null ? null : utf8(event.data());
        return Message.of(value).addMetadata(metadata);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
