package io.eventlake.forward;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import io.eventlake.messaging.KafkaReaders;

/**
 * Reads back what clean topics received since a moment, to find which events of a batch that is sent again are
 * already there: a batch forwarded before a crash, or before a failed attempt, whose completion was never
 * recorded. Each topic's partitions are read from the first record at or after the moment (record timestamps are
 * set when the forwarder sends, after the events were stored) to their end, collecting the {@code eventlake-seq}
 * headers. Blocking: runs on the forward thread, and only for batches sent again.
 */
final class ForwardedTail {

    /** Producer and broker clocks may differ a little: start reading this much earlier. */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ForwardedTail() {
    }

    /** Per topic, the lake positions of the events it received since {@code since}. */
    static Map<String, Set<Long>> seqsSince(Map<String, Object> kafkaConfig, Collection<String> topics, Instant since) {
        Map<String, Object> props = KafkaReaders.settings(kafkaConfig, "eventlake-forward-tail");
        Map<String, Set<Long>> seen = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                seen.put(topic, new HashSet<>());
                for (PartitionInfo info : consumer.partitionsFor(topic, TIMEOUT)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            Map<TopicPartition, Long> query = new HashMap<>();
            long from = since.minus(CLOCK_MARGIN).toEpochMilli();
            partitions.forEach(tp -> query.put(tp, Math.max(0, from)));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, TIMEOUT);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                if (start != null) {
                    read(consumer, partition, start.offset(), ends.get(partition), seen.get(partition.topic()));
                }
            }
        }
        return seen;
    }

    private static void read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long from, long end,
            Set<Long> seqs) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        int emptyPolls = 0;
        // Empty polls happen while fetching starts, or over a gap (compaction, transaction markers).
        while (consumer.position(partition) < end && emptyPolls < 20) {
            var records = consumer.poll(Duration.ofMillis(500)).records(partition);
            if (records.isEmpty()) {
                emptyPolls++;
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.offset() >= end) {
                    return;
                }
                Header seq = record.headers().lastHeader(CloudEventRecords.LAKE_SEQ_HEADER);
                if (seq != null) {
                    try {
                        seqs.add(Long.parseLong(new String(seq.value(), StandardCharsets.UTF_8)));
                    } catch (NumberFormatException e) {
                        // not one of ours
                    }
                }
            }
        }
        if (consumer.position(partition) < end) {
            throw new IllegalStateException("could not read back " + partition + " up to offset " + end
                    + " to find what was already forwarded");
        }
    }
}
