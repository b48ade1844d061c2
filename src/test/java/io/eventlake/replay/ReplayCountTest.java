package io.eventlake.replay;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

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
 * A replay job's expected total against a real PostgreSQL: exact up to the count limit, estimated from the events
 * counted beyond it (within a tenth of the truth for a stream stored in one go), with and without a filter; a
 * snapshot's from a sample of the stream's keys and the planner's figure for them; a job created through the API says
 * whether its total is estimated and ends with the exact figure.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class ReplayCountTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int EVENTS = 600;

    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @Inject
    ReplayRepository repository;

    @Test
    void aStreamLongerThanTheLimitIsEstimatedFromTheEventsCounted() {
        String stream = ingest(EVENTS);
        long upTo = LakeDatabase.count("select max(seq) from lake_event");

        assertThat(expected(stream, null, upTo, 1_000)).isEqualTo(ExpectedCount.exact(EVENTS));
        assertThat(expected(stream, null, upTo, EVENTS)).as("as many as the limit, nothing after")
                .isEqualTo(ExpectedCount.exact(EVENTS));

        // The estimate from the positions of the first 100 and the stream's last; near the truth, as the stream was
        // stored in one go (others' events stored meanwhile would spread it).
        ExpectedCount estimated = expected(stream, null, upTo, 100);
        assertThat(estimated).isEqualTo(ExpectedCount.extrapolated(100, nthSeq(stream, "", 1), nthSeq(stream, "", 100),
                LakeDatabase.count("select max(seq) from lake_event where stream = ?", stream)));
        assertThat(estimated.estimated()).isTrue();
        assertThat(estimated.events()).isBetween(EVENTS * 8L / 10, EVENTS * 12L / 10);

        // Every tenth event is a ".created": 60 of them, ten counted.
        List<String> created = List.of(stream + ".created");
        assertThat(expected(stream, created, upTo, 100)).isEqualTo(ExpectedCount.exact(EVENTS / 10));
        ExpectedCount createdEstimated = expected(stream, created, upTo, 10);
        assertThat(createdEstimated).isEqualTo(ExpectedCount.extrapolated(10, nthSeq(stream, ".created", 1),
                nthSeq(stream, ".created", 10),
                LakeDatabase.count("select max(seq) from lake_event where stream = ?", stream)));
        assertThat(createdEstimated.events()).isBetween(EVENTS / 10 * 8L / 10, EVENTS / 10 * 12L / 10);
    }

    @Test
    void aSnapshotOfMoreKeysThanTheLimitIsEstimatedFromASampleAndThePlanner() {
        String stream = ingest(EVENTS, EVENTS);
        // A tenth of the keys deleted: the view keeps their rows, marked deleted; a snapshot sends none of them.
        LakeDatabase.execute("update latest_event set deleted = true where stream = '" + stream
                + "' and event_key like '%5'");
        int live = EVENTS * 9 / 10;
        // The statistics autovacuum would gather, now rather than when it gets to them.
        LakeDatabase.execute("analyze latest_event");
        LakeDatabase.execute("analyze lake_event");

        assertThat(snapshot(stream, null, 1_000)).isEqualTo(ExpectedCount.exact(live));
        assertThat(snapshot(stream, null, EVENTS)).as("as many keys as the limit, none after")
                .isEqualTo(ExpectedCount.exact(live));
        List<String> created = List.of(stream + ".created");
        assertThat(snapshot(stream, created, 1_000)).isEqualTo(ExpectedCount.exact(EVENTS / 10));

        // Beyond the limit: the planner's figure for the stream's keys, live or deleted, times the share of its first
        // 101 keys in key order that are live (and of the type asked for). How near that is to the truth is the
        // statistics' (exact here only while ANALYZE reads the whole view); the sample's share is checked against
        // the stream's own.
        long plannedKeys = LakeDatabase.plannedRows("select 1 from latest_event where stream = ?", stream);
        long liveSampled = sampled(stream, "");
        assertThat(liveSampled / 101.0).isCloseTo(live / (double) EVENTS, within(0.1));
        ExpectedCount estimated = snapshot(stream, null, 100);
        assertThat(estimated).isEqualTo(ExpectedCount.sampled(101, liveSampled, plannedKeys));
        // Keys ending in 0 (every tenth, the ".created") sort in among the rest; the sample holds about a tenth.
        long createdSampled = sampled(stream, ".created");
        assertThat(createdSampled / 101.0).isCloseTo(0.1, within(0.05));
        assertThat(snapshot(stream, created, 100))
                .isEqualTo(ExpectedCount.sampled(101, createdSampled, plannedKeys));
        // Keys named: only those are read, so the count is exact (one named key is deleted, one is not there).
        List<String> named = List.of("Rental-1", "Rental-20", "Rental-35", "Rental-" + EVENTS);
        assertThat(repository.expected(ReplaySource.SNAPSHOT, List.of(stream), null, named, null, null, 0, 100).await()
                .atMost(PATIENCE)).isEqualTo(ExpectedCount.exact(2));
    }

    /** Of the stream's first 101 keys in key order, those live whose latest event's type ends in the suffix. */
    private static long sampled(String stream, String typeSuffix) {
        return LakeDatabase.count("select count(*) from (select seq, deleted from latest_event where stream = ?"
                + " order by event_key limit 101) l join lake_event e on e.seq = l.seq"
                + " where not l.deleted and e.type like '%' || ?", stream, typeSuffix);
    }

    /** The position of the stream's n-th event (of type stream + suffix, when the suffix is not empty). */
    private static long nthSeq(String stream, String typeSuffix, int n) {
        return LakeDatabase.count("select seq from lake_event where stream = ? and (? = '' or type = ? || ?) order by seq"
                + " offset ? limit 1", stream, typeSuffix, stream, typeSuffix, n - 1);
    }

    @Test
    void aJobSaysWhetherItsTotalIsEstimatedAndEndsExact() {
        String stream = ingest(50);
        String target = "replay." + stream + ".count";
        Number id = given().contentType(ContentType.JSON).body(Map.of("streams", List.of(stream), "targetTopic", target))
                .when().post("/replays").then().statusCode(202).body("totalExpected", equalTo(50))
                .body("totalEstimated", equalTo(false)).extract().path("id");
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/replays/{id}", id.longValue()).then()
                .body("state", equalTo("SUCCEEDED")).body("sent", equalTo(50)).body("totalExpected", equalTo(50))
                .body("totalEstimated", equalTo(false)));
    }

    private ExpectedCount snapshot(String stream, List<String> types, int limit) {
        return repository.expected(ReplaySource.SNAPSHOT, List.of(stream), types, null, null, null, 0, limit).await()
                .atMost(PATIENCE);
    }

    private ExpectedCount expected(String stream, List<String> types, long upTo, int limit) {
        return repository.expected(ReplaySource.HISTORY, List.of(stream), types, null, null, null, upTo, limit).await()
                .atMost(PATIENCE);
    }

    private static String ingest(int n) {
        return ingest(n, 5);
    }

    /** Stores n events of a new stream, event v of key Rental-(v % keys), every tenth a ".created". */
    private static String ingest(int n, int keys) {
        String stream = "rc" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            var record = new ProducerRecord<>(topic, ("Rental-" + (v % keys)).getBytes(StandardCharsets.UTF_8),
                    Fixtures.rental(v % keys, v).getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_type",
                    (stream + (v % 10 == 0 ? ".created" : ".updated")).getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_id", (stream + "-" + v).getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_source", "test".getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        kafka.sendAll(records);
        await().atMost(PATIENCE)
                .until(() -> LakeDatabase.count("select count(*) from lake_event where stream = ?", stream) == n);
        return stream;
    }
}
