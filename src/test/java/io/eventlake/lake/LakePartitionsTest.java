package io.eventlake.lake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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

/**
 * The lake partitioned by seq (1,000 events per partition in the test profile, checked every second), against a real
 * broker and database: events spread over several partitions are stored once each, a record redelivered after its
 * event's partition was left behind is still a duplicate, reads find events in every partition, an append past the
 * last partition gets one and goes through, and a partition retention left empty is dropped.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class LakePartitionsTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String CHECK = "Event Lake partitions";
    private static final int EVENTS = 2_500;

    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @Test
    void eventsOverSeveralPartitionsAreStoredOnceAndARedeliveryIntoALaterPartitionIsADuplicate() {
        String stream = Fixtures.uniqueStream();
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 1; i <= EVENTS; i++) {
            records.add(record(topic, stream, i));
        }
        kafka.sendAll(records);
        await().atMost(PATIENCE).until(() -> stored(stream) == EVENTS);
        assertThat(LakeDatabase.count("select count(distinct tableoid) from lake_event where stream = ?", stream))
                .as("partitions the events landed in").isGreaterThanOrEqualTo(3);
        assertThat(LakeDatabase.count("""
                select count(*) from lake_event e join lake_event_id i on i.event_id = e.event_id and i.source = e.source
                where e.stream = ? and i.seq = e.seq""", stream)).as("idempotency keys pointing at their events")
                .isEqualTo(EVENTS);

        // The first ten again (their events lie in partitions appends have left), then one new event after them on
        // the same partition: once it is stored, the ten were read and found to be there already.
        List<ProducerRecord<byte[], byte[]>> again = new ArrayList<>(records.subList(0, 10));
        again.add(record(topic, stream, EVENTS + 1));
        kafka.sendAll(again);
        await().atMost(PATIENCE).until(() -> stored(stream) == EVENTS + 1);
        assertThat(LakeDatabase.count("select count(distinct event_id) from lake_event where stream = ?", stream))
                .isEqualTo(EVENTS + 1);

        // Reads reach every partition: by id (through the idempotency keys), and by type from the first event on.
        given().when().get("/events/{id}", stream + "-1").then().statusCode(200).body("id", equalTo(stream + "-1"));
        given().when().get("/events/{id}", stream + "-" + EVENTS).then().statusCode(200)
                .body("id", equalTo(stream + "-" + EVENTS));
        given().queryParam("type", stream + ".updated").queryParam("limit", 1).when().get("/events").then().statusCode(200)
                .body("events[0].id", equalTo(stream + "-1"));
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/q/health/well").then()
                .body("checks.find { it.name == '" + CHECK + "' }.status", equalTo("UP"))
                .body("checks.find { it.name == '" + CHECK + "' }.data.headroom", greaterThanOrEqualTo(1000)));
    }

    @Test
    void anAppendPastTheLastPartitionGetsOneAndGoesThrough() {
        String stream = Fixtures.uniqueStream();
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        // The sequence jumps past every partition there is: the next append's rows have none to go to.
        long lastEnd = LakeDatabase.count("select max(to_seq) from lake_partition");
        LakeDatabase.count("select setval('lake_event_seq', ?)", lastEnd + 10);
        kafka.sendAll(List.of(record(topic, stream, 1), record(topic, stream, 2)));

        await().atMost(PATIENCE).until(() -> stored(stream) == 2);
        assertThat(LakeDatabase.count("select min(seq) from lake_event where stream = ?", stream)).isGreaterThan(lastEnd);
        assertThat(LakeDatabase.count("""
                select count(*) from lake_event e join lake_partition p on e.seq >= p.from_seq and e.seq < p.to_seq
                where e.stream = ?""", stream)).as("events inside a recorded partition").isEqualTo(2);
    }

    /**
     * Retention empties a partition (the test profile keeps stream {@code emptied} one hour; its events there have no
     * key, so all of them go once old), and a check drops it once a whole partition of seqs lies past it; every other
     * partition and event stays, and ingest goes on.
     */
    @Test
    void aPartitionRetentionLeftEmptyIsDroppedAndNothingElse() {
        String stream = "emptied";
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        // What earlier runs left in the stream goes first (retention walks the stream in order and stops at the
        // first event within it).
        LakeDatabase.count("with u as (update lake_event set ingested_at = now() - interval '2 hours' where stream = ? "
                + "returning 1) select count(*) from u", stream);
        await().atMost(PATIENCE).until(() -> stored(stream) == 0);

        // The next events start a partition of their own: the sequence moves to where the partitions end.
        long from = LakeDatabase.count("select max(to_seq) from lake_partition");
        LakeDatabase.count("select setval('lake_event_seq', ?, false)", from);
        LakeDatabase.count("select count(*) from lake_ensure_partitions(1000)");
        String partition = String.format("lake_event_p%019d", from);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 1; i <= 1_500; i++) {
            records.add(keyless(topic, run + "-" + i, i));
        }
        kafka.sendAll(records);
        await().atMost(PATIENCE).until(() -> stored(stream) == 1_500);
        // Most of the first thousand land in it (an append that found no partition for the rest left a gap of seqs).
        long inPartition = LakeDatabase.count("select count(*) from " + partition);
        assertThat(inPartition).as("events in the partition").isPositive();
        assertThat(LakeDatabase.count("select count(*) from " + partition + " where event_id not like ?", run + "-%"))
                .as("events of others in it").isZero();
        // Other streams move the sequence a whole partition past it.
        String other = Fixtures.uniqueStream();
        kafka.createTopic("ingest." + other, 1);
        List<ProducerRecord<byte[], byte[]>> others = new ArrayList<>();
        for (int i = 1; i <= 600; i++) {
            others.add(record("ingest." + other, other, i));
        }
        kafka.sendAll(others);
        await().atMost(PATIENCE).until(() -> stored(other) == 600);
        long olderEvents = LakeDatabase.count("select count(*) from lake_event where seq < ?", from);
        long olderPartitions = LakeDatabase.count("select count(*) from lake_partition where to_seq <= ?", from);
        assertThat(partitionExists(partition)).as("a partition with events is kept").isTrue();

        // The partition's events arrived two hours ago: retention deletes them, and the partition goes.
        LakeDatabase.count("with u as (update lake_event set ingested_at = now() - interval '2 hours' where seq >= ? "
                + "and seq < ? returning 1) select count(*) from u", from, from + 1_000);
        await().atMost(PATIENCE).until(() -> !partitionExists(partition));
        assertThat(LakeDatabase.count("select count(*) from lake_partition where name = ?", partition)).isZero();
        assertThat(stored(stream)).as("the stream's events after the partition").isEqualTo(1_500 - inPartition);
        assertThat(LakeDatabase.count("select min(seq) from lake_event where stream = ?", stream))
                .isGreaterThanOrEqualTo(from + 1_000);
        assertThat(stored(other)).isEqualTo(600);
        assertThat(LakeDatabase.count("select count(*) from lake_event where seq < ?", from)).as("older events")
                .isEqualTo(olderEvents);
        assertThat(LakeDatabase.count("select count(*) from lake_partition where to_seq <= ?", from))
                .as("older partitions").isEqualTo(olderPartitions);
        given().when().get("/events/{id}", run + "-1").then().statusCode(404);
        given().when().get("/events/{id}", run + "-1500").then().statusCode(200).body("id", equalTo(run + "-1500"));
        given().when().get("/q/health/well").then()
                .body("checks.find { it.name == '" + CHECK + "' }.status", equalTo("UP"))
                .body("checks.find { it.name == '" + CHECK + "' }.data.partitions-dropped", greaterThanOrEqualTo(1))
                .body("checks.find { it.name == '" + CHECK + "' }.data.last-dropped", containsString(partition));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("eventlake_lake_partitions_dropped_total"));

        // Ingest goes on: a new event of the stream is stored, after all the others.
        kafka.sendAll(List.of(keyless(topic, run + "-new", 1_501)));
        await().atMost(PATIENCE).until(() -> stored(stream) == 1_501 - inPartition);
        assertThat(LakeDatabase.count("select seq from lake_event where event_id = ?", run + "-new"))
                .isGreaterThan(LakeDatabase.count("select max(seq) from lake_event where stream = ?", other));
    }

    /**
     * A service stopped between a partition's detach and its drop leaves it detached but listed; one dropped by hand
     * leaves only its listing. The next pass drops the first and removes both listings.
     */
    @Test
    void aPartitionLeftDetachedIsDroppedAndTheListingOfOneDroppedByHandGoes() {
        long from = LakeDatabase.count("select max(to_seq) from lake_partition");
        String detached = String.format("lake_event_p%019d", from);
        String droppedByHand = String.format("lake_event_p%019d", from + 1_000);
        // In one transaction, so that no pass sees them before: the sequence moves three partitions on (the two
        // partitions it passes are empty and behind it), one is detached, the other dropped without its listing. That
        // the detached one is there is checked inside it too: a pass may drop it as soon as it commits.
        LakeDatabase.execute("do $$ begin perform setval('lake_event_seq', " + (from + 3_005) + "); "
                + "perform lake_ensure_partitions(1000); "
                + "alter table lake_event detach partition " + detached + "; "
                + "drop table " + droppedByHand + "; "
                + "if not exists (select 1 from pg_class where relname = '" + detached + "' and not relispartition) "
                + "then raise exception 'partition % not left detached', '" + detached + "'; end if; end $$");

        await().atMost(PATIENCE).until(() -> LakeDatabase.count("select count(*) from lake_partition where name in (?, ?)",
                detached, droppedByHand) == 0);
        assertThat(partitionExists(detached)).isFalse();
        assertThat(LakeDatabase.count("select count(*) from lake_partition where from_seq >= ?", from + 2_000))
                .as("the partitions at and ahead of the sequence").isPositive();
    }

    private static boolean partitionExists(String name) {
        return LakeDatabase.count("select count(*) from pg_class where relname = ?", name) == 1;
    }

    private static ProducerRecord<byte[], byte[]> keyless(String topic, String id, int n) {
        var record = new ProducerRecord<byte[], byte[]>(topic, null, Fixtures.rental(n, 1).getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-type", "emptied.updated".getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-id", id.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static long stored(String stream) {
        return LakeDatabase.count("select count(*) from lake_event where stream = ?", stream);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String stream, int n) {
        var record = new ProducerRecord<>(topic, ("K" + n % 50).getBytes(StandardCharsets.UTF_8),
                Fixtures.rental(n, 1).getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-type", (stream + ".updated").getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-id", (stream + "-" + n).getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
