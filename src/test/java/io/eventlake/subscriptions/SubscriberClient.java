package io.eventlake.subscriptions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The new application of the subscription tests: a plain KafkaConsumer that follows the contract in the
 * README, and nothing else. It reads the backfill topic (if any) until the end marker, then the clean
 * topics, skipping records at or below the hand-over position; it commits as it goes, as an application would.
 */
final class SubscriberClient {

    private SubscriberClient() {
    }

    /** Every event the subscription delivers, in delivery order, once {@code expected} arrived and the topics went quiet. */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, JsonNode subscription, int expected, Duration timeout) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", subscription.get("group").asText());
        props.put("enable.auto.commit", "false");
        // The service set the group's offsets; "none" makes a consumer that finds none fail loudly.
        props.put("auto.offset.reset", "none");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> events = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        long handover = subscription.get("handoverSeq").asLong();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            JsonNode backfill = subscription.get("backfillTopic");
            if (backfill != null && !backfill.isNull()) {
                consumer.subscribe(List.of(backfill.asText()));
                boolean complete = false;
                while (!complete && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.headers().lastHeader("eventlake-backfill-complete") != null) {
                            complete = true;
                            break;
                        }
                        events.add(record);
                    }
                    consumer.commitSync();
                }
                if (!complete) {
                    throw new IllegalStateException("the backfill did not complete in time; read " + events.size());
                }
                consumer.unsubscribe();
            }
            List<String> topics = new ArrayList<>();
            subscription.get("topics").forEach(t -> topics.add(t.asText()));
            consumer.subscribe(topics);
            long lastArrival = System.nanoTime();
            while (System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    Header seq = record.headers().lastHeader("eventlake-seq");
                    if (seq != null && Long.parseLong(new String(seq.value(), StandardCharsets.UTF_8)) <= handover) {
                        continue; // in the backfill already
                    }
                    events.add(record);
                }
                if (!batch.isEmpty()) {
                    lastArrival = System.nanoTime();
                    consumer.commitSync();
                }
                if (events.size() >= expected && System.nanoTime() - lastArrival > Duration.ofSeconds(2).toNanos()) {
                    break;
                }
            }
        }
        return events;
    }
}
