package io.eventlake.offsets;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import io.eventlake.messaging.KafkaReaders;
import io.smallrye.common.annotation.Identifier;

/**
 * Reads the timestamp of the record at an offset, to express lag in time. One group-less consumer, used
 * by one caller at a time (operator calls, and the lag sampler's reads of partitions whose committed offset moved),
 * which never commits anything.
 */
@ApplicationScoped
public class RecordTimestamps {

    private static final Duration PEEK_TIMEOUT = Duration.ofSeconds(2);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private KafkaConsumer<byte[], byte[]> consumer;

    /**
     * How far behind in time a group is on a partition: the timestamp of the last record minus that of the
     * first record it has not consumed. 0 when it is caught up; null when a record could not be read.
     */
    public synchronized Long lagMillis(TopicPartition partition, long committed, long logEnd) {
        if (committed >= logEnd) {
            return 0L;
        }
        Long next = timestampAt(partition, committed);
        Long last = timestampAt(partition, logEnd - 1);
        return next == null || last == null ? null : Math.max(0, last - next);
    }

    /** The timestamp of the record at this offset (or the first after it), or null when none could be read. */
    public synchronized Long timestampAt(TopicPartition partition, long offset) {
        KafkaConsumer<byte[], byte[]> peek = consumer();
        peek.assign(List.of(partition));
        peek.seek(partition, offset);
        long deadline = System.nanoTime() + PEEK_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : peek.poll(Duration.ofMillis(200)).records(partition)) {
                if (record.offset() >= offset) {
                    return record.timestamp();
                }
            }
        }
        return null;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Map<String, Object> props = KafkaReaders.settings(kafkaConfig, "eventlake-timestamps");
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
            consumer = new KafkaConsumer<>(props);
        }
        return consumer;
    }

    @PreDestroy
    synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
