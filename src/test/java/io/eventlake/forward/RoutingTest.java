package io.eventlake.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.LakeDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Routing by type against a real broker: the routes of application.properties ({@code routed.*} to
 * routed.all; {@code routed.created} to routed.created-only and routed.audit; {@code regex:routed\.(archived|restored)}
 * to routed.audit) send each type to every topic of every route it matches, in order per key; a type that
 * matches no route goes to its stream's clean topic, and the service created each topic.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class RoutingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @Test
    void severalTypesGoToSeveralTopicsInOrderPerKey() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "ingest.routed-" + run;
        kafka.createTopic(topic, 2);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        String[] types = { "routed.created", "routed.updated", "routed.archived", "routed.restored", "routed.updated" };
        for (int k = 0; k < 10; k++) {
            for (int step = 0; step < types.length; step++) {
                records.add(record(topic, types[step], "R" + run + "-" + k, step));
            }
        }
        // A type in another stream that no route names: its stream's own topic.
        records.add(record(topic, "unrouted" + run + ".updated", "R" + run + "-0", 0));
        kafka.sendAll(records);
        await().atMost(PATIENCE).until(() -> LakeDatabase.count("select count(*) from lake_event where event_key like ?",
                "R" + run + "-%") == records.size());

        Map<String, List<String>> all = typesByKey(readOwn("routed.all", run, 50));
        assertThat(all).hasSize(10);
        // Every step of every key, in the order it was published.
        all.values().forEach(steps -> assertThat(steps).containsExactly(types));
        Map<String, List<String>> createdOnly = typesByKey(readOwn("routed.created-only", run, 10));
        createdOnly.values().forEach(steps -> assertThat(steps).containsExactly("routed.created"));
        assertThat(createdOnly).hasSize(10);
        Map<String, List<String>> audit = typesByKey(readOwn("routed.audit", run, 30));
        assertThat(audit).hasSize(10);
        audit.values()
                .forEach(steps -> assertThat(steps).containsExactly("routed.created", "routed.archived", "routed.restored"));
        assertThat(kafka.readAll("clean.unrouted" + run, 1, Duration.ofSeconds(2), PATIENCE)).hasSize(1);
        // Not routed to the default topic of the routed stream.
        assertThat(kafka.admin().listTopics().names().get()).doesNotContain("clean.routed")
                .contains("routed.all", "routed.created-only", "routed.audit");
        assertThat(kafka.admin().describeTopics(List.of("clean.unrouted" + run)).allTopicNames().get()
                .get("clean.unrouted" + run).partitions()).hasSize(4);
    }

    /** This run's records on a routed topic, which every run of the test writes to. */
    private static List<ConsumerRecord<byte[], byte[]>> readOwn(String topic, String run, int expected) {
        return kafka.readOwn(topic, r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8)
                .startsWith("R" + run + "-"), expected, PATIENCE);
    }

    private static Map<String, List<String>> typesByKey(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().collect(Collectors.groupingBy(r -> new String(r.key(), StandardCharsets.UTF_8),
                Collectors.mapping(r -> new String(r.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8),
                        Collectors.toList())));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String type, String key, int version) {
        var record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                Fixtures.rental(1, version).getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
