package io.eventlake.compaction;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * A history compaction run against real data: events are ingested through Kafka, then their arrival time
 * is moved back in the database to make them old, and a run is triggered and watched over REST.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class HistoryCompactionTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static KafkaTestClient kafka;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    @Test
    void aRunKeepsTheLatestOfEveryKeyTouchesNothingNewerThanTheLimitAndDropsExpiredTombstones() {
        String stream = "hist" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int v = 1; v <= 5; v++) {
            records.add(record(topic, stream + ".updated", "A", v));
        }
        for (int v = 1; v <= 3; v++) {
            records.add(record(topic, stream + ".updated", "B", v));
        }
        records.add(record(topic, stream + ".deleted", "B", 4));
        records.add(record(topic, stream + ".updated", "C", 1));
        records.add(record(topic, stream + ".updated", "C", 2));
        records.add(record(topic, stream + ".updated", "D", 1));
        records.add(record(topic, stream + ".updated", "D", 2));
        records.add(record(topic, stream + ".deleted", "D", 3));
        records.add(record(topic, stream + ".updated", "E", 1));
        records.add(record(topic, stream + ".updated", null, 1));
        kafka.sendAll(records);
        await().atMost(PATIENCE)
                .until(() -> LakeDatabase.count("select count(*) from lake_event where stream = ?", stream) == 16);

        // Age the history: everything 30 hours old, except A's last two events (new) and D's delete (2 hours
        // old: past the 1-hour limit, but within the default tombstone retention of a day).
        LakeDatabase.count("with u as (update lake_event set ingested_at = now() - interval '30 hours' where stream = ? "
                + "returning 1) select count(*) from u", stream);
        LakeDatabase.count("with u as (update lake_event set ingested_at = now() where stream = ? and event_key = 'A' "
                + "and (data->>'version')::int >= 4 returning 1) select count(*) from u", stream);
        LakeDatabase.count("with u as (update lake_event set ingested_at = now() - interval '2 hours' where stream = ? "
                + "and event_key = 'D' and tombstone returning 1) select count(*) from u", stream);
        List<String> before = idsInOrder(stream);

        int id = given().contentType(ContentType.JSON).body(Map.of("stream", stream, "historyAfter", "PT1H"))
                .when().post("/compactions").then().statusCode(202).header("Location", containsString("/compactions/"))
                .body("state", equalTo("RUNNING")).body("keysTotal", equalTo(5)).extract().path("id");
        await().atMost(PATIENCE).until(() -> !"RUNNING".equals(given().when().get("/compactions/{id}", id).then()
                .statusCode(200).extract().path("state")));

        given().when().get("/compactions/{id}", id).then().statusCode(200).body("state", equalTo("SUCCEEDED"))
                .body("keysScanned", equalTo(5)).body("eventsRemoved", equalTo(9)).body("tombstonesRemoved", equalTo(1));
        // A: its two new events; B: nothing (its expired delete went with its key); C, E: their latest;
        // D: its delete, still within retention; the event without a key: untouched.
        assertThat(versions(stream, "A")).containsExactly(4, 5);
        assertThat(versions(stream, "B")).isEmpty();
        assertThat(versions(stream, "C")).containsExactly(2);
        assertThat(versions(stream, "D")).containsExactly(3);
        assertThat(versions(stream, "E")).containsExactly(1);
        assertThat(LakeDatabase.count("select count(*) from lake_event where stream = ? and event_key is null", stream))
                .isEqualTo(1);
        // Kept events keep their ids and their order.
        List<String> after = idsInOrder(stream);
        assertThat(after).hasSize(6);
        assertThat(before).containsSubsequence(after);
        // The view: A, C, E live with their latest events; D still deleted; B gone entirely.
        given().when().get("/streams/{s}/keys/A", stream).then().statusCode(200).body("data.version", equalTo(5));
        given().when().get("/streams/{s}/keys/D", stream).then().statusCode(404).body("detail", containsString("deleted"));
        given().when().get("/streams/{s}/keys/B", stream).then().statusCode(404).body("detail", containsString("has no key"));
        given().when().get("/compactions?stream={s}", stream).then().statusCode(200).body("size()", equalTo(1));
    }

    @Test
    void badRequestsAreRefusedWithAProblem() {
        given().contentType(ContentType.JSON).body(Map.of()).when().post("/compactions").then().statusCode(400)
                .body("errors[0].pointer", equalTo("/stream"));
        given().contentType(ContentType.JSON).body(Map.of("stream", "history", "historyAfter", "soon")).when()
                .post("/compactions").then().statusCode(400).body("errors[0].pointer", equalTo("/historyAfter"));
        given().contentType(ContentType.JSON).body(Map.of("stream", "unconfigured")).when().post("/compactions").then()
                .statusCode(400).body("detail", containsString("not configured"));
        given().when().get("/compactions/{id}", 987654321).then().statusCode(404);
        given().when().get("/compactions/{id}", "x").then().statusCode(400);
    }

    private static List<Integer> versions(String stream, String key) {
        return LakeDatabase.query("select (data->>'version')::int as v from lake_event where stream = ? and event_key = ? "
                + "order by seq", stream, key).stream().map(row -> (Integer) row.get("v")).toList();
    }

    private static List<String> idsInOrder(String stream) {
        return LakeDatabase.query("select event_id from lake_event where stream = ? order by seq", stream).stream()
                .map(row -> (String) row.get("event_id")).toList();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String type, String key, int version) {
        var record = new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                Fixtures.rental(1, version).getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
