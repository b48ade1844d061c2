package io.eventlake.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.messaging.KafkaReaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Finds the ingest partitions ingest cannot read. The Kafka connector retries a failing poll quietly and for ever
 * (a codec the service lacks, a corrupt batch, a topic it may not read), so ingest would stand still and look
 * healthy. Every {@code eventlake.ingest.stall-check-interval} the committed offset of each ingest partition is
 * compared with its log end: a partition with records waiting whose committed offset has not moved for
 * {@code eventlake.ingest.stall-after}, while no batch is failing (that has a reason of its own), is stalled. A
 * reader of its own (same settings, no group) then reads it from the committed offset to learn why, and
 * readiness names the partition with that reason until it moves again.
 */
@ApplicationScoped
public class StalledPartitions {

    private static final Logger LOG = Logger.getLogger(StalledPartitions.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROBE = Duration.ofSeconds(10);

    /** Where a partition's committed offset (or, never committed, its log start) was, and since when. */
    private record Position(long offset, long sinceNanos) {
    }

    @Inject
    EventLakeConfig config;

    @Inject
    Admin admin;

    @Inject
    IngestHealth health;

    @Inject
    MeterRegistry registry;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "mp.messaging.incoming.ingest.group.id")
    String group;

    private final Map<TopicPartition, Position> positions = new HashMap<>();
    private final AtomicInteger stalledCount = new AtomicInteger();
    private Map<String, String> stalled = Map.of();
    private ScheduledExecutorService checker;
    private Counter unreadable;

    void start(@Observes StartupEvent event) {
        Gauge.builder("eventlake.ingest.stalled_partitions", stalledCount, AtomicInteger::get)
                .description("Ingest partitions holding records ingest cannot read (readiness names each and why)")
                .register(registry);
        unreadable = Counter.builder("eventlake.ingest.unreadable")
                .description("Stalls of an ingest partition that its own reader could not read either (once per stall)")
                .register(registry);
        checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "eventlake-stalled-partitions");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.ingest().stallCheckInterval().toMillis();
        checker.scheduleWithFixedDelay(this::checkQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (checker != null) {
            checker.shutdownNow();
        }
    }

    private void checkQuietly() {
        try {
            check();
        } catch (Exception e) {
            // The broker away: ingest's own checks say so; this one tries again next time.
            LOG.debugf("stalled-partition check skipped: %s", e.toString());
        }
    }

    /** One comparison of committed offsets with log ends; probes what has not moved for too long. */
    synchronized void check() throws Exception {
        Pattern ingest = Pattern.compile(config.ingest().topicPattern());
        Set<String> topics = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                .filter(topic -> ingest.matcher(topic).matches()).collect(Collectors.toSet());
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .forEach((topic, description) -> description.partitions()
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition()))));
        Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long now = System.nanoTime();
        if (health.isFailing()) {
            // A batch waiting out an outage holds every partition, with a reason of its own; the clock starts again
            // once it moves.
            positions.clear();
            report(Map.of());
            return;
        }
        Map<String, String> found = new HashMap<>();
        positions.keySet().retainAll(partitions);
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            long at = Math.max(offset == null ? 0 : offset.offset(), starts.getOrDefault(partition, 0L));
            Position previous = positions.get(partition);
            if (previous == null || previous.offset() != at) {
                positions.put(partition, new Position(at, now));
                continue;
            }
            boolean waiting = ends.getOrDefault(partition, 0L) > at;
            if (waiting && now - previous.sinceNanos() >= config.ingest().stallAfter().toNanos()) {
                // Its own reader tries each stalled partition once (up to 10 s); the reason stands while it does not move.
                String known = stalled.get(partition.toString());
                found.put(partition.toString(), known != null ? known : why(partition, at, ends.get(partition) - at));
            }
        }
        report(found);
    }

    private void report(Map<String, String> found) {
        found.forEach((partition, why) -> {
            if (!stalled.containsKey(partition)) {
                LOG.warnf("EL0007 ingest cannot read %s: %s", partition, why);
            }
        });
        stalled.keySet().stream().filter(partition -> !found.containsKey(partition))
                .forEach(partition -> LOG.infof("EL0008 ingest reads %s again", partition));
        stalled = found;
        stalledCount.set(found.size());
        health.stalled(found);
    }

    /** Why a partition does not move: what its own reader meets at the committed offset. */
    private String why(TopicPartition partition, long offset, long waiting) {
        String held = waiting + " records wait at offset " + offset + " and ingest has not moved it for "
                + config.ingest().stallAfter() + "; ";
        Map<String, Object> props = KafkaReaders.settings(kafkaConfig, "eventlake-stall-probe");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props)) {
            reader.assign(List.of(partition));
            reader.seek(partition, offset);
            long deadline = System.nanoTime() + PROBE.toNanos();
            while (System.nanoTime() < deadline) {
                if (!reader.poll(Duration.ofSeconds(1)).isEmpty()) {
                    return held + "a reader of its own reads it, so the ingest consumer is held up elsewhere "
                            + "(another partition, or another instance of group " + group + ")";
                }
            }
            return held + "a reader of its own got no record within " + PROBE + " either";
        } catch (Throwable e) { // an Error too: a codec's native library missing is an UnsatisfiedLinkError
            unreadable.increment();
            return held + "reading it fails with " + e + "; " + action(partition, e);
        }
    }

    /** What an operator can do about a read failure. */
    private String action(TopicPartition partition, Throwable e) {
        String failure = e.toString();
        if (failure.contains("Authorization")) {
            return "grant the service's principal READ on the topic (and its group), or exclude the topic from "
                    + "eventlake.ingest.topic-pattern";
        }
        if (failure.contains("UnsatisfiedLinkError") || failure.toLowerCase().contains("compression")) {
            return "the producer compresses with a codec this build cannot read: have it use gzip, lz4 or snappy";
        }
        return "if a record there cannot be read at all, stop the service and move group " + group + " past it with "
                + "Kafka's own tool (kafka-consumer-groups --group " + group + " --reset-offsets --topic "
                + partition.topic() + ":" + partition.partition() + " --shift-by 1 --execute): that record is then "
                + "skipped, not stored";
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }
}
