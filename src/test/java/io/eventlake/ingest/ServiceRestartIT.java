package io.eventlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.testing.BrokerPerClass;
import io.eventlake.testing.CheckpointFault;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.PackagedService;

/**
 * The packaged service, run as a process against a real broker and PostgreSQL: killed mid-stream and
 * started again it loses nothing; stopped, with its ingest group rewound to the beginning, and started
 * again it stores and forwards nothing twice.
 */
class ServiceRestartIT {

    private static final int EVENTS = 6000;
    private static final int KEYS = 60;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final BrokerPerClass broker = new BrokerPerClass();

    @Test
    void aServiceKilledMidStreamResumesWithoutLossAndARewoundGroupCreatesNoDuplicates() throws Exception {
        String stream = IngestPipelineTest.uniqueStream();
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        broker.client().createTopic(topic, 2);
        Map<String, String> settings = Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                // small batches, so that the kill lands between many of them
                "mp.messaging.incoming.ingest.max.poll.records", "100",
                "mp.messaging.incoming.ingest.metadata.max.age.ms", "1000");

        PackagedService service = PackagedService.start("restart-1", settings);
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> publish(topic, type));
        await().atMost(Duration.ofSeconds(60)).until(() -> countOfType(type) >= EVENTS / 4);
        service.kill();
        long storedAtKill = countOfType(type);
        publishing.get();
        assertThat(storedAtKill).as("killed mid-stream").isLessThan(EVENTS);

        service = PackagedService.start("restart-2", settings);
        await().atMost(Duration.ofSeconds(120)).until(() -> countOfType(type) == EVENTS);
        List<ConsumerRecord<byte[], byte[]>> forwarded = broker.client().readAll("clean." + stream, EVENTS,
                Duration.ofSeconds(3),
                Duration.ofSeconds(60));
        service.close();

        assertThat(countOfType(type)).isEqualTo(EVENTS);
        assertThat(LakeDatabase.count("select count(distinct event_id) from lake_event where type = ?", type))
                .isEqualTo(EVENTS);
        Set<String> forwardedIds = new HashSet<>();
        forwarded.forEach(r -> forwardedIds.add(IngestPipelineTest.header(r, "ce_id")));
        assertThat(forwardedIds).as("every event forwarded").hasSize(EVENTS);
        // Exactly once: a batch forwarded just before the kill but not yet checkpointed is looked up on the
        // broker after the restart, not sent again. Per key, versions ascend.
        assertThat(forwarded).as("each event once on the clean topic").hasSize(EVENTS);
        assertInOrderPerKeyIgnoringRepeats(forwarded);
        int forwardedBeforeRewind = forwarded.size();

        // Rewind: the group has no members now, so its offsets can be moved back to the beginning.
        rewindIngestGroup(topic);
        service = PackagedService.start("restart-3", settings);
        PackagedService running = service;
        String duplicates = "eventlake_events_ingested_total{outcome=\"duplicate\",stream=\"" + stream + "\"}";
        await().atMost(Duration.ofSeconds(120)).until(() -> running.metric(duplicates) >= EVENTS);
        List<ConsumerRecord<byte[], byte[]>> afterRewind = broker.client().readAll("clean." + stream, forwardedBeforeRewind,
                Duration.ofSeconds(3), Duration.ofSeconds(60));
        service.close();

        assertThat(countOfType(type)).isEqualTo(EVENTS);
        assertThat(afterRewind).as("nothing forwarded twice after the rewind").hasSize(forwardedBeforeRewind);
    }

    @Test
    void aServiceKilledAfterForwardingButBeforeRecordingItSendsNothingAgainAfterRestart() throws Exception {
        String stream = IngestPipelineTest.uniqueStream();
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        int events = 300;
        int forwardedBeforeKill;
        broker.client().createTopic(topic, 1);
        Map<String, String> settings = Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                "mp.messaging.incoming.ingest.metadata.max.age.ms", "1000");
        PackagedService service = PackagedService.start("crash-window-1", settings);
        try (CheckpointFault fault = CheckpointFault.refuseCheckpointWrites()) {
            long refusedBefore = fault.refusedWrites();
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                var record = new ProducerRecord<>(topic, ("Rental-" + i).getBytes(StandardCharsets.UTF_8),
                        Fixtures.rental(i, 1).getBytes(StandardCharsets.UTF_8));
                record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
                records.add(record);
            }
            broker.client().sendAll(records);
            // A batch stored and on its clean topic, and the record of that refused: the crash window. The
            // records may come in more than one batch, and a batch after a refused checkpoint waits for it, so
            // what reached the clean topic before the kill is the first batch or more, not always all.
            await().atMost(Duration.ofSeconds(60)).until(() -> fault.refusedWrites() > refusedBefore);
            forwardedBeforeKill = broker.client().readAll("clean." + stream, 1, Duration.ofSeconds(2),
                    Duration.ofSeconds(60)).size();
            assertThat(forwardedBeforeKill).isPositive();
            service.kill();
        }
        assertThat(countOfType(type)).isBetween((long) forwardedBeforeKill, (long) events);

        service = PackagedService.start("crash-window-2", settings);
        PackagedService restarted = service;
        await().atMost(Duration.ofSeconds(120)).until(() -> LakeDatabase.count(
                "select coalesce(max(forwarded_offset), -1) from forward_checkpoint where topic = ?", topic) == events - 1);
        double notResent = restarted.metric("eventlake_forward_not_resent_total");
        List<ConsumerRecord<byte[], byte[]>> forwarded = broker.client().readAll("clean." + stream, events,
                Duration.ofSeconds(3),
                Duration.ofSeconds(60));
        service.close();

        assertThat(notResent).as("found on the broker after the restart").isGreaterThanOrEqualTo(forwardedBeforeKill);
        assertThat(forwarded).as("each event once on the clean topic").hasSize(events);
    }

    private static void publish(String topic, String type) {
        List<ProducerRecord<byte[], byte[]>> chunk = new ArrayList<>();
        for (int version = 0; version < EVENTS; version++) {
            int rental = version % KEYS;
            var record = new ProducerRecord<>(topic, ("Rental-" + rental).getBytes(StandardCharsets.UTF_8),
                    Fixtures.rental(rental, version).getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
            chunk.add(record);
            if (chunk.size() == 200) {
                // a steady stream rather than one burst, so the kill lands mid-stream
                broker.client().sendAll(chunk);
                chunk.clear();
                sleep(50);
            }
        }
        broker.client().sendAll(chunk);
    }

    private static void rewindIngestGroup(String topic) throws Exception {
        var admin = broker.client().admin();
        var partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
        partitions.forEach(p -> earliest.put(p, OffsetSpec.earliest()));
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        admin.listOffsets(earliest).all().get().forEach((p, info) -> offsets.put(p, new OffsetAndMetadata(info.offset())));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(
                () -> admin.alterConsumerGroupOffsets("eventlake-ingest", offsets).all().get());
    }

    private static void assertInOrderPerKeyIgnoringRepeats(List<ConsumerRecord<byte[], byte[]>> forwarded) throws Exception {
        Map<String, List<Integer>> firstSeen = new LinkedHashMap<>();
        Map<String, Set<Integer>> seen = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : forwarded) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            int version = MAPPER.readTree(record.value()).get("version").asInt();
            if (seen.computeIfAbsent(key, k -> new HashSet<>()).add(version)) {
                firstSeen.computeIfAbsent(key, k -> new ArrayList<>()).add(version);
            }
        }
        assertThat(firstSeen).hasSize(KEYS);
        firstSeen.values().forEach(versions -> assertThat(versions).hasSize(EVENTS / KEYS).isSorted());
    }

    private static long countOfType(String type) {
        return LakeDatabase.count("select count(*) from lake_event where type = ?", type);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
