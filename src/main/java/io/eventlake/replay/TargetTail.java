package io.eventlake.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import io.eventlake.forward.CloudEventRecords;
import io.eventlake.messaging.KafkaReaders;

/**
 * Reads back the end of a replay's target topic to find which records of the steps after a job's checkpoint
 * Kafka already acknowledged, so that a job resumed after a crash sends each of them no second time. Each
 * partition is read backwards from its end in chunks until a record of a step the checkpoint covers (or the
 * partition's beginning) is reached: with at most four steps sent beyond the checkpoint, that is at most four
 * steps' records per partition.
 */
final class TargetTail {

    static final String REPLAY_HEADER = "eventlake-replay";

    private static final int CHUNK = 500;

    private TargetTail() {
    }

    /** The lake seqs of the job's records of {@code firstStep} and the steps after it on the topic. */
    static Set<Long> sentFromStep(Map<String, Object> kafkaConfig, String topic, long jobId, long firstStep) {
        Map<String, Object> props = KafkaReaders.settings(kafkaConfig, "eventlake-replay-tail-" + jobId);
        Set<Long> sent = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            for (TopicPartition partition : partitions) {
                scan(consumer, partition, beginnings.get(partition), ends.get(partition), jobId, firstStep, sent);
            }
        }
        return sent;
    }

    private static void scan(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long beginning, long end,
            long jobId, long firstStep, Set<Long> sent) {
        consumer.assign(List.of(partition));
        long upTo = end;
        while (upTo > beginning) {
            long from = Math.max(beginning, upTo - CHUNK);
            consumer.seek(partition, from);
            boolean earlierStepSeen = false;
            long position = from;
            int emptyPolls = 0;
            // Empty polls happen while fetching starts, or over a gap (compaction, transaction markers).
            while (position < upTo && emptyPolls < 20) {
                var records = consumer.poll(Duration.ofMillis(500)).records(partition);
                if (records.isEmpty()) {
                    emptyPolls++;
                    if (consumer.position(partition) >= upTo) {
                        break;
                    }
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.offset() >= upTo) {
                        break;
                    }
                    position = record.offset() + 1;
                    long[] mark = replayMark(record, jobId);
                    if (mark == null) {
                        continue;
                    }
                    if (mark[0] >= firstStep && mark[1] >= 0) {
                        sent.add(mark[1]);
                    } else if (mark[0] < firstStep) {
                        earlierStepSeen = true;
                    }
                }
                if (consumer.position(partition) >= upTo) {
                    break;
                }
            }
            if (earlierStepSeen) {
                return;
            }
            upTo = from;
        }
    }

    /** {step, lake seq} when the record is one of this job's, else null. */
    private static long[] replayMark(ConsumerRecord<byte[], byte[]> record, long jobId) {
        Header replay = record.headers().lastHeader(REPLAY_HEADER);
        if (replay == null) {
            return null;
        }
        String[] parts = new String(replay.value(), StandardCharsets.UTF_8).split(":");
        if (parts.length != 2 || !parts[0].equals(Long.toString(jobId))) {
            return null;
        }
        Header seq = record.headers().lastHeader(CloudEventRecords.LAKE_SEQ_HEADER);
        return new long[] { Long.parseLong(parts[1]), seq == null ? -1
                : Long.parseLong(new String(seq.value(),
                        StandardCharsets.UTF_8)) };
    }
}
