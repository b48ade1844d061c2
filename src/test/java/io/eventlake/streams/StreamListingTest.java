package io.eventlake.streams;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.compaction.SampledCount;
import io.eventlake.streams.StreamViews.StreamSummary;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code GET /streams} against a real broker and PostgreSQL: every stream of the view, in order; a stream's live and
 * deleted keys counted when it has no more than the limit, estimated from a sample of that many beyond it; and when
 * the stream's latest event was stored.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class StreamListingTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    /** Keys of the large stream; every third of them deleted. */
    private static final int KEYS = 300;

    @Inject
    StreamStateRepository repository;

    @Test
    void aStreamWithMoreKeysThanTheLimitHasThemEstimatedFromASample() throws Exception {
        String large = ingest(KEYS);
        String small = ingest(6);
        long live = KEYS - KEYS / 3;
        // The statistics autovacuum would gather, now rather than when it gets to them.
        LakeDatabase.execute("analyze latest_event");

        // Through the API, under the default limit (10,000): exact.
        JsonNode listed = MAPPER.readTree(given().when().get("/streams").then().statusCode(200).extract().asString());
        JsonNode largeListed = find(listed, large);
        assertThat(largeListed.get("liveKeys").asLong()).isEqualTo(live);
        assertThat(largeListed.get("deletedKeys").asLong()).isEqualTo(KEYS / 3);
        assertThat(largeListed.get("keysEstimated").asBoolean()).isFalse();
        assertThat(OffsetDateTime.parse(largeListed.get("lastChangeAt").asText()).toInstant())
                .isEqualTo(lastStored(large));

        // With a limit of 100 keys a stream: the large stream's figures are the planner's figure for its keys times the
        // shares of its first 101 keys in key order that are live and deleted. How near that is to the truth is the
        // statistics' (exact here only while ANALYZE reads the whole view); the sample's share is checked against the
        // stream's own.
        long plannedKeys = LakeDatabase.plannedRows("select 1 from latest_event where stream = ?", large);
        long liveSampled = LakeDatabase.count("select count(*) filter (where not deleted) from (select deleted"
                + " from latest_event where stream = ? order by event_key limit 101) sample", large);
        assertThat(liveSampled / 101.0).isCloseTo(live / (double) KEYS, within(0.1));
        List<StreamSummary> limited = repository.streams(stream -> true, 100).await().atMost(PATIENCE);
        StreamSummary largeLimited = limited.stream().filter(s -> s.stream().equals(large)).findFirst().orElseThrow();
        assertThat(largeLimited.keysEstimated()).isTrue();
        assertThat(largeLimited.liveKeys()).isEqualTo(SampledCount.estimate(101, liveSampled, plannedKeys));
        assertThat(largeLimited.deletedKeys()).isEqualTo(SampledCount.estimate(101, 101 - liveSampled, plannedKeys));
        assertThat(largeLimited.lastChangeAt().toInstant()).isEqualTo(lastStored(large));
        StreamSummary smallLimited = limited.stream().filter(s -> s.stream().equals(small)).findFirst().orElseThrow();
        assertThat(smallLimited).isEqualTo(new StreamSummary(small, 4, 2, smallLimited.lastChangeAt(), false));

        // Every stream of the view, in order, each once (the listing probes the view's key from stream to stream).
        List<String> names = limited.stream().map(StreamSummary::stream).toList();
        assertThat(names).isSorted().doesNotHaveDuplicates().contains(large, small);
        assertThat((long) names.size()).isEqualTo(LakeDatabase.count("select count(distinct stream) from latest_event"));
        // Those the caller may not read are left out before anything of them is counted.
        assertThat(repository.streams(small::equals, 100).await().atMost(PATIENCE)).containsExactly(smallLimited);
    }

    private static JsonNode find(JsonNode listed, String stream) {
        for (JsonNode summary : listed.get("streams")) {
            if (summary.get("stream").asText().equals(stream)) {
                return summary;
            }
        }
        throw new AssertionError(stream + " not listed: " + listed);
    }

    /** When the stream's latest event was stored. */
    private static Instant lastStored(String stream) {
        long micros = LakeDatabase.count(
                "select (extract(epoch from max(ingested_at)) * 1000000)::bigint from lake_event where stream = ?", stream);
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** A new stream of {@code keys} keys, one update each, then a delete of every third key. */
    private static String ingest(int keys) {
        String stream = "sl" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            records.add(event(topic, stream + ".updated", k, 1));
        }
        for (int k = 0; k < keys; k += 3) {
            records.add(event(topic, stream + ".deleted", k, 2));
        }
        kafka.sendAll(records);
        await().atMost(PATIENCE).until(
                () -> LakeDatabase.count("select count(*) from lake_event where stream = ?", stream) == records.size());
        return stream;
    }

    private static ProducerRecord<byte[], byte[]> event(String topic, String type, int key, int version) {
        var record = new ProducerRecord<>(topic, ("Rental-" + key).getBytes(StandardCharsets.UTF_8),
                Fixtures.rental(key, version).getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", "test".getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
