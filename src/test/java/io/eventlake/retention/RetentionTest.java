package io.eventlake.retention;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Retention of the stream {@code retained} (one hour, a run every second, three events per step in the test profile)
 * against real data: events are ingested through Kafka, then their arrival time is moved back in the database to make
 * them expire, and the scheduled runs are watched in the lake, the view, the meters and wellness.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class RetentionTest extends SignedInAsAdmin {

    private static final String STREAM = "retained";
    private static final String TOPIC = "ingest." + STREAM;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String CHECK = "Event Lake retention";

    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    /** Events of the stream the runs would still delete: neither within the retention nor the latest of a key. */
    private static final String EXPIRED = "select count(*) from lake_event e where stream = '" + STREAM + "' "
            + "and ingested_at < now() - interval '1 hour' and not exists (select 1 from latest_event l "
            + "where l.stream = e.stream and l.event_key = e.event_key and l.seq = e.seq)";

    /**
     * The test database outlives a run: what earlier runs left in the stream is made old, so that a run walks past it
     * (it stops at the first events within the retention), and the runs are let to delete it before anything is
     * counted.
     */
    @BeforeAll
    static void topic() {
        kafka.createTopic(TOPIC, 1);
    }

    @BeforeEach
    void earlierRunsLeftoversExpire() {
        LakeDatabase.count("with u as (update lake_event set ingested_at = now() - interval '30 hours' where stream = ? "
                + "returning 1) select count(*) from u", STREAM);
        await().atMost(PATIENCE).until(() -> LakeDatabase.count(EXPIRED) == 0);
    }

    @Test
    void expiredEventsGoInBoundedStepsExceptTheLatestOfEachKeyAndNothingWithinTheRetention() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int v = 1; v <= 3; v++) {
            records.add(record(run, "A", v));
        }
        records.add(record(run, "B", 1));
        records.add(record(run, null, 1));
        records.add(record(run, null, 2));
        // Within the retention: kept whatever they are.
        records.add(record(run, "C", 1));
        records.add(record(run, "C", 2));
        records.add(record(run, null, 3));
        kafka.sendAll(records);
        await().atMost(PATIENCE).until(() -> ours(run).size() == 9);
        double removedBefore = removedMeter();

        // The first six arrived 30 hours ago (in lake order, as they arrived).
        LakeDatabase.count("with u as (update lake_event set ingested_at = now() - interval '30 hours' where seq in "
                + "(select seq from lake_event where event_id like ? order by seq limit 6) returning 1) "
                + "select count(*) from u", run + "-%");

        // A's two older events and the two expired events without a key go; A's latest, B's only event and all
        // that is within the retention stay, in their order.
        await().atMost(PATIENCE).until(() -> ours(run).size() == 5);
        assertThat(ours(run)).containsExactly(run + "-A-3", run + "-B-1", run + "-C-1", run + "-C-2", run + "--3");
        assertThat(LakeDatabase.count(EXPIRED)).isZero();
        // Their idempotency keys went with them; those of the events kept stay.
        assertThat(LakeDatabase.count("select count(*) from lake_event_id where event_id like ?", run + "-%")).isEqualTo(5);
        given().when().get("/streams/{s}/keys/{k}", STREAM, run + "-A").then().statusCode(200)
                .body("data.version", equalTo(3));
        given().when().get("/streams/{s}/keys/{k}", STREAM, run + "-B").then().statusCode(200)
                .body("data.version", equalTo(1));
        assertThat(removedMeter() - removedBefore).isEqualTo(4);
        given().when().get("/q/health/well").then()
                .body("checks.find { it.name == '" + CHECK + "' }.status", equalTo("UP"))
                .body("checks.find { it.name == '" + CHECK + "' }.data." + STREAM,
                        allOf(containsString("retention PT1H"), containsString("events deleted")));
    }

    /**
     * A run that fails (its delete cancelled in PostgreSQL while a lock held it up) turns retention's wellness DOWN,
     * naming the stream and the error; once the lock is gone the next run succeeds and turns it UP again.
     */
    @Test
    void aFailingRunMakesWellnessDownNamingTheStreamUntilARunSucceeds() throws Exception {
        try (Connection lock = DriverManager.getConnection(LakeDatabase.URL, LakeDatabase.USER, LakeDatabase.PASSWORD)) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table lake_event in share mode");
            // Every retention run waits on the lock and the waiting deletes are cancelled, those of other streams with
            // retention (the test profile has two) as well: which stream's run is first to wait is a matter of timing.
            // The runs after a cancelled one wait on the lock again, so the failure stays the last word.
            await().atMost(PATIENCE).untilAsserted(() -> {
                cancelBlockedDeletes(lock);
                given().when().get("/q/health/well").then().statusCode(503)
                        .body("checks.find { it.name == '" + CHECK + "' }.status", equalTo("DOWN"))
                        .body("checks.find { it.name == '" + CHECK + "' }.data." + STREAM,
                                allOf(containsString("failing since"), containsString("canceling statement")));
            });
            lock.rollback();
        }
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/q/health/well").then()
                .body("checks.find { it.name == '" + CHECK + "' }.status", equalTo("UP"))
                .body("checks.find { it.name == '" + CHECK + "' }.data." + STREAM, containsString("last run")));
    }

    /** Cancels the deletes of lake events waiting on this connection's lock. */
    private static void cancelBlockedDeletes(Connection lock) throws SQLException {
        // Activity is read once per transaction unless the snapshot is cleared: a run may not be waiting yet at the
        // first look.
        lock.createStatement().execute("select pg_stat_clear_snapshot()");
        lock.createStatement().executeQuery("select pg_cancel_backend(pid) from pg_stat_activity "
                + "where pg_backend_pid() = any(pg_blocking_pids(pid)) and query like '%delete from lake_event gone%'")
                .close();
    }

    /** This run's events in lake order, by id ({@code run-key-version}). */
    private static List<String> ours(String run) {
        return LakeDatabase.query("select event_id from lake_event where event_id like ? order by seq", run + "-%").stream()
                .map(row -> (String) row.get("event_id")).toList();
    }

    private static double removedMeter() {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile("^eventlake_retention_events_removed_total\\{stream=\"" + STREAM + "\"} (\\S+)$",
                Pattern.MULTILINE).matcher(scrape);
        assertThat(matcher.find()).as("the stream's series is in the scrape").isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static ProducerRecord<byte[], byte[]> record(String run, String key, int version) {
        String fullKey = key == null ? null : run + "-" + key;
        var record = new ProducerRecord<>(TOPIC, fullKey == null ? null : fullKey.getBytes(StandardCharsets.UTF_8),
                Fixtures.rental(1, version).getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-type", (STREAM + ".updated").getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-id", (run + "-" + (key == null ? "" : key) + "-" + version)
                .getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
