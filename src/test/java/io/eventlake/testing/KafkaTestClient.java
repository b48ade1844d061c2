package io.eventlake.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A plain Kafka client for tests: the kind of producer and consumer the service's users run. One producer
 * and one admin per broker ({@code @QuarkusTest}s share {@link KafkaBrokerResource#client()}; an IT makes its own for
 * the broker it starts); a consumer per topic read.
 */
public final class KafkaTestClient implements AutoCloseable {

    private final String bootstrapServers;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;

    public KafkaTestClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("acks", "all");
        props.put("linger.ms", "2");
        // Ordered retries without producer sequence numbers: on partitions created a moment earlier the
        // broker answered NOT_LEADER_OR_FOLLOWER and then OUT_OF_ORDER_SEQUENCE_NUMBER to the idempotent
        // producer's retries until its delivery timeout, stalling tests by two minutes.
        props.put("enable.idempotence", "false");
        props.put("max.in.flight.requests.per.connection", "1");
        this.producer = new KafkaProducer<>(props);
    }

    public Admin admin() {
        return admin;
    }

    public void createTopic(String topic, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("could not create topic " + topic, e);
        }
        awaitLeaders(topic, partitions);
    }

    /**
     * Waits until the producer sees a leader for every partition. Producing to a partition whose leader is
     * still being elected made the idempotent producer fall into OUT_OF_ORDER_SEQUENCE_NUMBER retries
     * here, stalling a send for its whole delivery timeout.
     */
    private void awaitLeaders(String topic, int partitions) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var infos = producer.partitionsFor(topic);
            if (infos.size() == partitions && infos.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("no leader for every partition of " + topic + " after 30 s");
    }

    /** Sends and waits for the broker's acknowledgement of every record, in order. */
    public void sendAll(List<ProducerRecord<byte[], byte[]>> records) {
        var futures = records.stream().map(producer::send).toList();
        producer.flush();
        for (var future : futures) {
            try {
                future.get();
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("send failed", e);
            }
        }
    }

    public void send(ProducerRecord<byte[], byte[]> record) {
        sendAll(List.of(record));
    }

    /**
     * Reads a topic from the beginning until {@code expected} records arrived and then {@code quiet} passed
     * without another one (so that a duplicate after the expected count is seen too), or {@code timeout}.
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration quiet, Duration timeout) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "test-reader-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        // Never create the topic by asking for it: the service creates its topics, and a reader racing it to
        // an auto-creation is not what a test means to exercise.
        props.put("allow.auto.create.topics", "false");
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastArrival = System.nanoTime();
            while (System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(200));
                batch.forEach(records::add);
                if (!batch.isEmpty()) {
                    lastArrival = System.nanoTime();
                }
                if (records.size() >= expected && System.nanoTime() - lastArrival > quiet.toNanos()) {
                    break;
                }
            }
        }
        return records;
    }

    /**
     * Reads a topic that other tests write too: from the beginning until {@code expected} records this test
     * recognises as its own ({@code ours}) arrived, then on to the end offsets the topic had at that moment, so an
     * extra copy written before is seen as well; returns its own records only. Waits for its own records, not for
     * the topic to go quiet (which other tests' traffic decides).
     */
    public List<ConsumerRecord<byte[], byte[]>> readOwn(String topic, Predicate<ConsumerRecord<byte[], byte[]>> ours,
            int expected, Duration timeout) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> own = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            // The topic may not exist yet: its first record (which creates it) is one of those waited for.
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                partitions = consumer.partitionsFor(topic, timeout).stream()
                        .map(info -> new TopicPartition(topic, info.partition())).toList();
                if (partitions.isEmpty()) {
                    try {
                        Thread.sleep(200); // polling for the topic, as await() polls for a condition
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return own;
                    }
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = null;
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (ours.test(record)) {
                        own.add(record);
                    }
                }
                if (ends == null && own.size() >= expected) {
                    ends = consumer.endOffsets(partitions);
                }
                if (ends != null && ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end
                        .getValue())) {
                    break;
                }
            }
        }
        return own;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
