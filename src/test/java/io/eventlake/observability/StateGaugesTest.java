package io.eventlake.observability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
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
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The state gauges follow a known workload (read from the database every second in the test profile): dead letters
 * pending by reason grow by the records that became dead letters, a finished replay counts under its state, and the
 * schema LISTEN connection reports itself up.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class StateGaugesTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void deadLettersPendingAndReplayJobsFollowTheWorkload() {
        double pendingBefore = gauge("eventlake_dead_letters_pending", "reason=\"NOT_JSON\"");
        double succeededBefore = gauge("eventlake_replay_jobs", "state=\"SUCCEEDED\"");

        String topic = "ingest." + Fixtures.uniqueStream();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var record = new ProducerRecord<>(topic, ("K-" + i).getBytes(StandardCharsets.UTF_8),
                    "{\"not json".getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-type", "gauges.updated".getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        try (KafkaTestClient kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers())) {
            kafka.createTopic(topic, 1);
            kafka.sendAll(records);
        }
        await().atMost(PATIENCE)
                .until(() -> gauge("eventlake_dead_letters_pending", "reason=\"NOT_JSON\"") == pendingBefore + 3);

        String stream = Fixtures.uniqueStream();
        given().contentType(ContentType.JSON).body("""
                {"specversion":"1.0","id":"%s","source":"/gauges","type":"%s.updated","subject":"K-1","data":{}}"""
                .formatted(UUID.randomUUID(), stream)).post("/events").then().statusCode(202);
        await().atMost(PATIENCE).until(() -> given().get("/events?type={t}", stream + ".updated").then().extract()
                .jsonPath().getList("events").size() == 1);
        given().contentType(ContentType.JSON).body(Map.of("streams", List.of(stream), "targetTopic", "replay." + stream))
                .post("/replays").then().statusCode(202);
        await().atMost(PATIENCE)
                .until(() -> gauge("eventlake_replay_jobs", "state=\"SUCCEEDED\"") == succeededBefore + 1);

        assertThat(gauge("eventlake_schema_listening", null)).isEqualTo(1.0);
        assertThat(scrape()).containsPattern("(?m)^eventlake_readers_open \\S+$");
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** One gauge's value in the scrape ({@code tags} as printed, or null for none); 0 while it is absent. */
    private static double gauge(String name, String tags) {
        String series = Pattern.quote(name) + (tags == null ? "" : "\\{" + Pattern.quote(tags) + "}");
        Matcher matcher = Pattern.compile("^" + series + " (\\S+)$", Pattern.MULTILINE).matcher(scrape());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
