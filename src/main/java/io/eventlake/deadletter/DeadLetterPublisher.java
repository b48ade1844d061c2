package io.eventlake.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.eventlake.messaging.Channels;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends a copy of each dead letter to the dead-letter topic: the original key, value and headers, plus the
 * headers Kafka and Karafka users know ({@code source_topic}, {@code source_partition},
 * {@code source_offset}, {@code source_consumer_group}, {@code error_code}, {@code error_message},
 * {@code attempts}).
 */
@ApplicationScoped
public class DeadLetterPublisher {

    @Inject
    @Channel(Channels.DEAD_LETTERS)
    // Bounded by the ingest batch: callers send one batch at a time and wait for it.
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<byte[]> emitter;

    public Uni<Void> publish(List<NewDeadLetter> deadLetters, List<Integer> attempts) {
        if (deadLetters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().range(0, deadLetters.size())
                .onItem().transformToUniAndConcatenate(i -> emitter.sendMessage(toMessage(deadLetters.get(i), attempts.get(i))))
                .collect().last().replaceWithVoid();
    }

    private static Message<byte[]> toMessage(NewDeadLetter d, int attempts) {
        RecordHeaders headers = new RecordHeaders();
        d.headers().forEach(h -> headers.add(h.name(), h.value()));
        headers.add("source_topic", utf8(d.origin().topic()));
        headers.add("source_partition", utf8(String.valueOf(d.origin().partition())));
        headers.add("source_offset", utf8(String.valueOf(d.origin().offset())));
        if (d.consumerGroup() != null) {
            headers.add("source_consumer_group", utf8(d.consumerGroup()));
        }
        headers.add("error_code", utf8(d.reasonCode()));
        headers.add("error_message", utf8(d.reason()));
        headers.add("attempts", utf8(String.valueOf(attempts)));
        OutgoingKafkaRecordMetadata<byte[]> metadata = OutgoingKafkaRecordMetadata.<byte[]> builder()
                .withKey(d.key())
                .withHeaders(headers)
                .build();
        return Message.of(d.payload() == null ? new byte[0] : d.payload()).addMetadata(metadata);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
