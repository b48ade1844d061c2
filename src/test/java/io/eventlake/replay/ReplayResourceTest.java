package io.eventlake.replay;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Replay jobs against a real broker and PostgreSQL: each filter delivers exactly the matching events, in
 * lake order per key; a snapshot delivers the latest event of every live key; a paced job is cancelled and
 * stops; bad requests are refused.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class ReplayResourceTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @Inject
    ReplayRunner runner;

    @Test
    void eachFilterDeliversExactlyTheMatchingEventsInOrderPerKey() {
        String stream = ingest(120);
        // Times: event v at 2026-01-01T00:00Z plus v minutes.
        assertReplay(Map.of("streams", List.of(stream)), stream, row -> true);
        assertReplay(Map.of("streams", List.of(stream), "types", List.of(stream + ".created")), stream,
                row -> row.get("type").equals(stream + ".created"));
        assertReplay(Map.of("streams", List.of(stream), "keys", List.of("Rental-1", "Rental-3")), stream,
                row -> row.get("event_key").equals("Rental-1") || row.get("event_key").equals("Rental-3"));
        assertReplay(Map.of("streams", List.of(stream), "from", "2026-01-01T00:30:00Z", "to", "2026-01-01T01:00:00Z"),
                stream, row -> ((Integer) row.get("v")) >= 30 && ((Integer) row.get("v")) < 60);
        // Open-ended windows, one ending in the middle of a minute (the time index bounds them by minutes and hours).
        assertReplay(Map.of("streams", List.of(stream), "from", "2026-01-01T01:30:00Z"), stream,
                row -> ((Integer) row.get("v")) >= 90);
        assertReplay(Map.of("streams", List.of(stream), "to", "2026-01-01T00:10:30Z"), stream,
                row -> ((Integer) row.get("v")) <= 10);
    }

    @Test
    void aSnapshotReplayDeliversTheLatestEventOfEveryLiveKey() {
        String stream = ingest(40);
        String target = "replay." + stream + ".snapshot";
        long id = start(Map.of("source", "snapshot", "streams", List.of(stream), "targetTopic", target));
        awaitState(id, "SUCCEEDED");
        // Keys Rental-0..4 and their last versions 35..39; Rental-4 was deleted last (a tombstone), so it is absent.
        Map<String, String> replayed = kafka.readAll(target, 4, Duration.ofSeconds(2), PATIENCE).stream()
                .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> header(r, "ce_type")));
        assertThat(replayed).containsOnlyKeys("Rental-0", "Rental-1", "Rental-2", "Rental-3");
        given().when().get("/replays/{id}", id).then().body("sent", equalTo(4)).body("totalExpected", equalTo(4))
                .body("totalEstimated", equalTo(false));
    }

    @Test
    void aJobOverSeveralStreamsWithTypesOfOneSendsThoseEventsOnce() {
        String rentals = ingest(30);
        String villas = ingest(20);
        assertReplay(Map.of("streams", List.of(rentals, villas), "types", List.of(rentals + ".created")), rentals,
                row -> row.get("type").equals(rentals + ".created"));
        // A snapshot of both with a type of the second: villas' live keys whose latest event is an update (Rental-0..3;
        // Rental-4's latest is its delete), none of rentals'.
        String target = "replay." + villas + ".snapshot-by-type";
        long id = start(Map.of("source", "snapshot", "streams", List.of(rentals, villas), "types",
                List.of(villas + ".updated"), "targetTopic", target));
        awaitState(id, "SUCCEEDED");
        Map<String, String> replayed = kafka.readAll(target, 4, Duration.ofSeconds(2), PATIENCE).stream()
                .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> header(r, "ce_type")));
        assertThat(replayed).containsOnlyKeys("Rental-0", "Rental-1", "Rental-2", "Rental-3")
                .allSatisfy((key, type) -> assertThat(type).isEqualTo(villas + ".updated"));
        given().when().get("/replays/{id}", id).then().body("sent", equalTo(4)).body("totalExpected", equalTo(4));
    }

    @Test
    void aPacedJobShowsItsProgressAndACancelledJobStops() throws Exception {
        String stream = ingest(120);
        String target = "replay." + stream + ".paced";
        // 4 events/s: 30 s for the 120, so the cancel after the first 20 never races the job's end.
        long id = start(Map.of("streams", List.of(stream), "targetTopic", target, "eventsPerSecond", 4));
        await().atMost(PATIENCE).until(() -> given().when().get("/replays/{id}", id).then().extract()
                .<Integer> path("sent") >= 20);
        given().when().get("/replays/{id}", id).then().body("state", equalTo("RUNNING")).body("totalExpected", equalTo(120))
                .body("eventsPerSecond", org.hamcrest.Matchers.notNullValue())
                .body("etaSeconds", org.hamcrest.Matchers.notNullValue());

        given().when().delete("/replays/{id}", id).then().statusCode(200).body("state", equalTo("CANCELLED"));
        // Once the runner has moved off the job it sends nothing more: what the topic holds then is final.
        await().atMost(PATIENCE).until(() -> runner.runningJob().orElse(0) != id);
        long sentInAll = recordsOn(target);
        assertThat(sentInAll).isLessThan(120);
        assertThat(kafka.readAll(target, (int) sentInAll, Duration.ZERO, PATIENCE)).hasSize((int) sentInAll);
        assertThat(recordsOn(target)).isEqualTo(sentInAll);
        given().when().delete("/replays/{id}", id).then().statusCode(200).body("state", equalTo("CANCELLED"));
        given().when().get("/replays").then().statusCode(200).body("id", hasItems((int) id));
    }

    @Test
    void aCancelledSlowJobFreesTheRunnerWithinSecondsNotWhenItsNextEventIsDue() {
        String stream = ingest(3);
        // One event per 100 s: the first goes at once, the second is due 100 s later.
        long id = start(Map.of("streams", List.of(stream), "targetTopic", "replay." + stream + ".slow", "eventsPerSecond",
                0.01));
        await().atMost(PATIENCE).until(() -> given().when().get("/replays/{id}", id).then().extract()
                .<Integer> path("sent") >= 1);
        assertThat(runner.runningJob()).hasValue(id);

        given().when().delete("/replays/{id}", id).then().statusCode(200).body("state", equalTo("CANCELLED"));
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.runningJob().orElse(0) != id);
        // The runner is free: the next job runs to its end.
        long next = start(Map.of("streams", List.of(stream), "targetTopic", "replay." + stream + ".after"));
        awaitState(next, "SUCCEEDED");
        given().when().get("/replays/{id}", id).then().body("state", equalTo("CANCELLED")).body("sent", equalTo(1));
    }

    /** Records a topic holds: the sum of its partitions' end offsets (nothing is deleted or compacted there). */
    private static long recordsOn(String topic) throws Exception {
        var partitions = kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toMap(tp -> tp,
                        tp -> OffsetSpec.latest()));
        return kafka.admin().listOffsets(partitions).all().get().values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    @Test
    void badRequestsAreRefusedWithEveryProblem() {
        given().contentType(ContentType.JSON).body(Map.of("source", "everything", "targetTopic", "ingest.loop",
                "from", "yesterday", "eventsPerSecond", -1, "spreadOver", "soon")).when().post("/replays").then()
                .statusCode(400).body("errors.pointer", hasItems("/source", "/streams", "/targetTopic", "/from",
                        "/eventsPerSecond", "/spreadOver"));
        // A stream named twice would have its events sent twice; a type of a stream the job does not name never matches.
        given().contentType(ContentType.JSON).body(Map.of("streams", List.of("rentals", "villas", "rentals"), "types",
                List.of("villas.updated", "offices.updated"), "targetTopic", "replay.twice")).when().post("/replays")
                .then().statusCode(400).body("errors.pointer", org.hamcrest.Matchers.contains("/streams/2", "/types/1"))
                .body("errors.message", hasItems("stream rentals is named already at /streams/0; name each stream once",
                        "events of type offices.updated are in stream offices, which this replay does not name"));
        given().when().get("/replays/{id}", 987654321).then().statusCode(404);
        given().when().get("/replays/{id}", "x").then().statusCode(400);
        given().when().delete("/replays/{id}", 987654321).then().statusCode(404);
        String stream = ingest(2);
        long id = start(Map.of("streams", List.of(stream), "targetTopic", "replay." + stream + ".done"));
        awaitState(id, "SUCCEEDED");
        given().when().delete("/replays/{id}", id).then().statusCode(409).body("detail", containsString("SUCCEEDED"));
        // an operator body above eventlake.http.max-request-bytes (64 KiB) is refused before it is read
        given().contentType(ContentType.JSON).body(Map.of("streams", List.of("s"), "targetTopic", "t", "keys",
                List.of("k".repeat(100_000)))).when().post("/replays").then().statusCode(413)
                .contentType("application/problem+json").body("detail", containsString("at most 65536"));
        for (String illegal : List.of(".", "..", "__consumer_offsets", "a b", "x".repeat(250))) {
            given().contentType(ContentType.JSON).body(Map.of("streams", List.of("s"), "targetTopic", illegal))
                    .when().post("/replays").then().statusCode(400).contentType("application/problem+json")
                    .body("errors.pointer", hasItems("/targetTopic"));
        }
    }

    /** Replays with these filters and checks the target holds exactly the matching events, in lake order per key. */
    private void assertReplay(Map<String, Object> filters, String stream,
            java.util.function.Predicate<Map<String, Object>> matches) {
        String target = "replay." + stream + "." + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> request = new HashMap<>(filters);
        request.put("targetTopic", target);
        long id = start(request);
        awaitState(id, "SUCCEEDED");
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (Map<String, Object> row : LakeDatabase.query("select event_id, type, event_key, (data->>'version')::int as v "
                + "from lake_event where stream = ? order by seq", stream)) {
            if (matches.test(row)) {
                expected.computeIfAbsent((String) row.get("event_key"), k -> new ArrayList<>())
                        .add((String) row.get("event_id"));
            }
        }
        int total = expected.values().stream().mapToInt(List::size).sum();
        List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(target, total, Duration.ofSeconds(2), PATIENCE);
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            actual.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(header(r, "ce_id"));
        }
        assertThat(records).as("replay %s", filters).hasSize(total);
        assertThat(actual).as("replay %s", filters).isEqualTo(expected);
        given().when().get("/replays/{id}", id).then().body("sent", equalTo(total)).body("totalExpected", equalTo(total));
    }

    private static long start(Map<String, Object> request) {
        return given().contentType(ContentType.JSON).body(request).when().post("/replays").then().statusCode(202)
                .header("Location", containsString("/replays/")).extract().<Integer> path("id").longValue();
    }

    private static void awaitState(long id, String state) {
        await().atMost(PATIENCE)
                .until(() -> state.equals(given().when().get("/replays/{id}", id).then().extract().path("state")));
    }

    /** n events over keys Rental-0..4; every tenth is a "created"; the last one of Rental-4 is a delete. */
    private static String ingest(int n) {
        String stream = "rp" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 2);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            String kind = v == n - 1 ? "deleted" : v % 10 == 0 ? "created" : "updated";
            var record = new ProducerRecord<>(topic, ("Rental-" + (v % 5)).getBytes(StandardCharsets.UTF_8),
                    Fixtures.rental(v % 5, v).getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_type", (stream + "." + kind).getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_id", (stream + "-" + v).getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_source", "test".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_time", java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z").plusMinutes(v).toString()
                    .getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        kafka.sendAll(records);
        await().atMost(PATIENCE)
                .until(() -> LakeDatabase.count("select count(*) from lake_event where stream = ?", stream) == n);
        return stream;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var header = r.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
