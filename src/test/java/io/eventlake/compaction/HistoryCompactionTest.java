package io.eventlake.compaction;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerRecord;
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

    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

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
        double removedBefore = meter("eventlake_compaction_events_removed_total", null);

        int id = given().contentType(ContentType.JSON).body(Map.of("stream", stream, "historyAfter", "PT1H"))
                .when().post("/compactions").then().statusCode(202).header("Location", containsString("/compactions/"))
                .body("state", equalTo("RUNNING")).body("keysTotal", equalTo(5)).body("keysTotalEstimated", equalTo(false))
                .extract().path("id");
        await().atMost(PATIENCE).until(() -> !"RUNNING".equals(given().when().get("/compactions/{id}", id).then()
                .statusCode(200).extract().path("state")));

        given().when().get("/compactions/{id}", id).then().statusCode(200).body("state", equalTo("SUCCEEDED"))
                .body("keysScanned", equalTo(5)).body("keysTotal", equalTo(5)).body("keysTotalEstimated", equalTo(false))
                .body("eventsRemoved", equalTo(9)).body("tombstonesRemoved", equalTo(1));
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
        // The meters: the 9 events and 1 tombstone removed are counted; the runs by state follow the database.
        assertThat(meter("eventlake_compaction_events_removed_total", null) - removedBefore).isEqualTo(10);
        await().atMost(PATIENCE).until(() -> meter("eventlake_compaction_runs", "state=\"SUCCEEDED\"") == LakeDatabase
                .count("select count(*) from compaction_run where state = 'SUCCEEDED'"));
    }

    /**
     * A run that fails (its delete cancelled in PostgreSQL while a lock held it up) turns compaction's wellness DOWN,
     * naming the stream, the run and the error; the next run of that stream that succeeds turns it UP again.
     */
    @Test
    void aFailedRunMakesWellnessDownNamingTheStreamUntilARunOfItSucceeds() throws Exception {
        String stream = "histfail" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        kafka.sendAll(List.of(record(topic, stream + ".updated", "A", 1), record(topic, stream + ".updated", "A", 2)));
        await().atMost(PATIENCE)
                .until(() -> LakeDatabase.count("select count(*) from lake_event where stream = ?", stream) == 2);
        LakeDatabase.count("with u as (update lake_event set ingested_at = now() - interval '30 hours' where stream = ? "
                + "returning 1) select count(*) from u", stream);

        int failed;
        try (Connection lock = DriverManager.getConnection(LakeDatabase.URL, LakeDatabase.USER, LakeDatabase.PASSWORD)) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table lake_event in share mode");
            failed = startRun(stream);
            // The run's delete waits for the lock; cancelling it is the failure a run can meet in production.
            String blockedDelete = "select pid from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid)) "
                    + "and query like '%delete from lake_event e%'";
            await().atMost(PATIENCE).until(() -> {
                try (var rows = lock.createStatement().executeQuery(blockedDelete)) {
                    return rows.next() && lock.createStatement()
                            .executeQuery("select pg_cancel_backend(" + rows.getInt(1) + ")").next();
                }
            });
            lock.rollback();
        }
        await().atMost(PATIENCE).until(() -> "FAILED".equals(runState(failed)));
        given().when().get("/q/health/well").then().statusCode(503)
                .body("checks.find { it.name == 'Event Lake history compaction' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Event Lake history compaction' }.data." + stream,
                        allOf(containsString("run " + failed + " failed"), containsString("canceling statement")));
        await().atMost(PATIENCE).until(() -> meter("eventlake_compaction_runs", "state=\"FAILED\"") == LakeDatabase
                .count("select count(*) from compaction_run where state = 'FAILED'"));

        int succeeded = startRun(stream);
        await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(runState(succeeded)));
        given().when().get("/q/health/well").then()
                .body("checks.find { it.name == 'Event Lake history compaction' }.status", equalTo("UP"));
        assertThat(versions(stream, "A")).containsExactly(2);
    }

    private static int startRun(String stream) {
        return given().contentType(ContentType.JSON).body(Map.of("stream", stream, "historyAfter", "PT1H"))
                .when().post("/compactions").then().statusCode(202).extract().path("id");
    }

    private static String runState(int id) {
        return given().when().get("/compactions/{id}", id).then().statusCode(200).extract().path("state");
    }

    /** A series of the scrape ({@code tags} as printed, or null for none); 0 while absent. */
    private static double meter(String name, String tags) {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String series = Pattern.quote(name) + (tags == null ? "" : "\\{" + Pattern.quote(tags) + "}");
        Matcher matcher = Pattern.compile("^" + series + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
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
