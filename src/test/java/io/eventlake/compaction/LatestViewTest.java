package io.eventlake.compaction;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The latest-per-key view against a real broker and PostgreSQL: out-of-order events never win, deletes
 * (by type suffix and by null value) remove keys and stay in the history, and a consumer of the compacted
 * topic ends with exactly the view's keys. Streams named in application.properties ({@code versioned},
 * {@code compacted}) get keys unique to each test.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class LatestViewTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @Test
    void anOlderVersionArrivingLateNeverOverwritesTheViewIsKeptAsSupersededAndIsNotForwarded() throws Exception {
        String key = "Rental-" + unique();
        String topic = "ingest.versioned-" + unique();
        kafka.createTopic(topic, 1);
        // Versions 1, 3, then 2 late: 2 must not win although it arrived last (and has the latest event time).
        kafka.sendAll(List.of(event(topic, "versioned.updated", key, 1), event(topic, "versioned.updated", key, 3),
                event(topic, "versioned.updated", key, 2)));

        await().atMost(PATIENCE).until(() -> count("select count(*) from lake_event where event_key = ?", key) == 3);
        JsonNode state = keyState("versioned", key);
        assertThat(state.get("data").get("version").asInt()).isEqualTo(3);
        assertThat(state.get("version").asInt()).isEqualTo(3);
        assertThat(LakeDatabase.query("select (data->>'version')::int as v, superseded from lake_event where event_key = ? "
                + "order by seq", key)).extracting(row -> row.get("v") + ":" + row.get("superseded"))
                .containsExactly("1:false", "3:false", "2:true");
        List<Integer> forwarded = kafka.readOwn("clean.versioned", r -> key.equals(keyOf(r)), 2, PATIENCE).stream()
                .map(r -> version(r)).toList();
        assertThat(forwarded).containsExactly(1, 3);
    }

    @Test
    void withoutAVersionFieldTheEventTimeOrdersAKeysEvents() throws Exception {
        String stream = "timed" + unique();
        String key = "Rental-1";
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        kafka.sendAll(List.of(cloudEvent(topic, stream + ".updated", key, 2, "2026-01-01T10:00:00Z"),
                cloudEvent(topic, stream + ".updated", key, 1, "2026-01-01T09:00:00Z")));

        await().atMost(PATIENCE).until(() -> count("select count(*) from lake_event where stream = ?", stream) == 2);
        assertThat(keyState(stream, key).get("data").get("version").asInt()).isEqualTo(2);
        assertThat(count("select count(*) from lake_event where stream = ? and superseded", stream)).isEqualTo(1);
    }

    @Test
    void aDeleteRemovesTheKeyIsKeptInTheHistoryAndALateOlderEventCannotBringItBack() throws Exception {
        String stream = "deleting" + unique();
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        kafka.sendAll(List.of(cloudEvent(topic, stream + ".updated", "Rental-1", 1, "2026-01-01T09:00:00Z"),
                cloudEvent(topic, stream + ".updated", "Rental-2", 1, "2026-01-01T09:00:00Z"),
                cloudEvent(topic, stream + ".deleted", "Rental-1", 2, "2026-01-01T10:00:00Z")));
        await().atMost(PATIENCE).until(() -> count("select count(*) from lake_event where stream = ?", stream) == 3);

        given().when().get("/streams/{s}/keys/{k}", stream, "Rental-1").then().statusCode(404)
                .body("detail", containsString("was deleted by event"));
        given().when().get("/streams/{s}/keys/{k}", stream, "Rental-2").then().statusCode(200);
        assertThat(count("select count(*) from lake_event where stream = ? and tombstone", stream)).isEqualTo(1);

        // An update older than the delete arrives late: the key stays deleted.
        kafka.send(cloudEvent(topic, stream + ".updated", "Rental-1", 3, "2026-01-01T09:30:00Z"));
        await().atMost(PATIENCE).until(() -> count("select count(*) from lake_event where stream = ?", stream) == 4);
        given().when().get("/streams/{s}/keys/{k}", stream, "Rental-1").then().statusCode(404);

        // A Kafka record with a null value deletes too; a later update brings the key back.
        ProducerRecord<byte[], byte[]> nullValue = new ProducerRecord<>(topic, "Rental-2".getBytes(StandardCharsets.UTF_8),
                null);
        nullValue.headers().add("ce_type", (stream + ".updated").getBytes(StandardCharsets.UTF_8));
        nullValue.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        kafka.send(nullValue);
        await().atMost(PATIENCE).until(() -> count("select count(*) from lake_event where stream = ?", stream) == 5);
        given().when().get("/streams/{s}/keys/{k}", stream, "Rental-2").then().statusCode(404);
        kafka.send(cloudEvent(topic, stream + ".updated", "Rental-1", 4, "2026-01-01T11:00:00Z"));
        await().atMost(PATIENCE).until(() -> count("select count(*) from lake_event where stream = ?", stream) == 6);
        assertThat(keyState(stream, "Rental-1").get("data").get("version").asInt()).isEqualTo(4);

        JsonNode streams = MAPPER.readTree(given().when().get("/streams").then().statusCode(200).extract().asString());
        JsonNode summary = null;
        for (JsonNode s : streams.get("streams")) {
            if (s.get("stream").asText().equals(stream)) {
                summary = s;
            }
        }
        assertThat(summary).isNotNull();
        assertThat(summary.get("liveKeys").asLong()).isEqualTo(1);
        assertThat(summary.get("deletedKeys").asLong()).isEqualTo(1);
    }

    @Test
    void aConsumerOfTheCompactedTopicEndsWithExactlyTheViewsKeys() throws Exception {
        String run = unique();
        String topic = "ingest.compacted-" + run;
        kafka.createTopic(topic, 3);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // 60 keys, each updated several times; every fifth deleted, and two of those brought back.
        for (int round = 0; round < 4; round++) {
            for (int k = 0; k < 60; k++) {
                records.add(event(topic, "compacted.updated", key(run, k), round * 100 + k));
            }
        }
        for (int k = 0; k < 60; k += 5) {
            records.add(event(topic, "compacted.deleted", key(run, k), 1000 + k));
        }
        records.add(event(topic, "compacted.updated", key(run, 0), 2000));
        records.add(event(topic, "compacted.updated", key(run, 5), 2005));
        kafka.sendAll(records);
        await().atMost(PATIENCE).until(() -> count("select count(*) from lake_event where event_key like ?",
                "C" + run + "-%") == records.size());

        // The compacted topic, read from the beginning and folded as a Kafka consumer folds it.
        Map<String, Integer> folded = new TreeMap<>();
        int tombstones = 0;
        Predicate<ConsumerRecord<byte[], byte[]>> ours = r -> keyOf(r) != null && keyOf(r).startsWith("C" + run + "-");
        for (ConsumerRecord<byte[], byte[]> r : kafka.readOwn("compacted.state", ours, records.size(), PATIENCE)) {
            String key = keyOf(r);
            if (r.value() == null) {
                folded.remove(key);
                tombstones++;
            } else {
                folded.put(key, version(r));
            }
        }
        assertThat(tombstones).isEqualTo(12);

        // The view's state of the same keys, from the snapshot stream.
        Map<String, Integer> snapshot = new TreeMap<>();
        for (String line : snapshotLines("compacted")) {
            JsonNode state = MAPPER.readTree(line);
            if (state.get("key").asText().startsWith("C" + run + "-")) {
                snapshot.put(state.get("key").asText(), state.get("data").get("version").asInt());
            }
        }
        assertThat(snapshot).hasSize(50);
        assertThat(folded).isEqualTo(snapshot);
        // The non-compacted route of the same stream keeps the deletes with their data.
        long deletesWithData = kafka.readOwn("compacted.history", ours, records.size(), PATIENCE).stream()
                .filter(r -> r.value() != null && "compacted.deleted".equals(header(r, "ce_type"))).count();
        assertThat(deletesWithData).isEqualTo(12);
    }

    @Test
    void theSnapshotOfAnUnknownStreamIs404AndAnUnknownKeyIs404() {
        given().when().get("/streams/{s}/snapshot", "nosuch" + unique()).then().statusCode(404)
                .contentType(containsString("problem+json"));
        given().when().get("/streams/{s}/keys/{k}", "versioned", "nobody-" + unique()).then().statusCode(404)
                .body("detail", containsString("has no key"));
    }

    static List<String> snapshotLines(String stream) {
        String body = given().when().get("/streams/{s}/snapshot", stream).then().statusCode(200)
                .contentType(containsString("application/x-ndjson")).extract().asString();
        return body.lines().filter(line -> !line.isBlank()).toList();
    }

    private static JsonNode keyState(String stream, String key) throws Exception {
        return MAPPER.readTree(given().when().get("/streams/{s}/keys/{k}", stream, key).then().statusCode(200)
                .extract().asString());
    }

    private static String key(String run, int k) {
        return "C" + run + "-" + k;
    }

    private static ProducerRecord<byte[], byte[]> event(String topic, String type, String key, int version) {
        var record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                Fixtures.rental(Math.abs(key.hashCode()), version).getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static ProducerRecord<byte[], byte[]> cloudEvent(String topic, String type, String key, int version, String time) {
        var record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                Fixtures.rental(1, version).getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", "test".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_time", time.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static long count(String sql, Object... params) {
        return LakeDatabase.count(sql, params);
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var header = r.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static int version(ConsumerRecord<byte[], byte[]> r) {
        try {
            return MAPPER.readTree(r.value()).get("version").asInt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unique() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }
}
