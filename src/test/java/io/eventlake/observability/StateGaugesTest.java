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
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The state gauges follow a known workload (read from the database every second in the test profile): dead letters
 * pending by reason show what the database holds once the records that became dead letters are among them, a
 * finished replay counts under its state, and the schema LISTEN connection reports itself up.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class StateGaugesTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void deadLettersPendingAndReplayJobsFollowTheWorkload() {
        long pendingBefore = pendingNotJsonInDatabase();
        long succeededBefore = succeededJobsInDatabase();

        String topic = "ingest." + Fixtures.uniqueStream();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var record = new ProducerRecord<>(topic, ("K-" + i).getBytes(StandardCharsets.UTF_8),
                    "{\"not json".getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-type", "gauges.updated".getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        KafkaTestClient kafka = KafkaBrokerResource.client();
        kafka.createTopic(topic, 1);
        kafka.sendAll(records);
        // The gauge follows the database (read every second here); other tests' records may still be arriving, so
        // it is compared with what the database holds, which must include the three.
        await().atMost(PATIENCE).until(() -> {
            long pending = pendingNotJsonInDatabase();
            return pending >= pendingBefore + 3 && gauge("eventlake_dead_letters_pending", "reason=\"NOT_JSON\"") == pending;
        });

        String stream = Fixtures.uniqueStream();
        given().contentType(ContentType.JSON).body("""
                {"specversion":"1.0","id":"%s","source":"/gauges","type":"%s.updated","subject":"K-1","data":{}}"""
                .formatted(UUID.randomUUID(), stream)).post("/events").then().statusCode(202);
        await().atMost(PATIENCE).until(() -> given().get("/events?type={t}", stream + ".updated").then().extract()
                .jsonPath().getList("events").size() == 1);
        given().contentType(ContentType.JSON).body(Map.of("streams", List.of(stream), "targetTopic", "replay." + stream))
                .post("/replays").then().statusCode(202);
        await().atMost(PATIENCE).until(() -> {
            long succeeded = succeededJobsInDatabase();
            return succeeded >= succeededBefore + 1 && gauge("eventlake_replay_jobs", "state=\"SUCCEEDED\"") == succeeded;
        });

        assertThat(gauge("eventlake_schema_listening", null)).isEqualTo(1.0);
        assertThat(scrape()).containsPattern("(?m)^eventlake_readers_open \\S+$");
    }

    /**
     * A paced replay's progress gauges (job and target tags) move from 0 towards the total while it runs, never back,
     * with the total its job expects; once it ends they are gone.
     */
    @Test
    void aPacedReplaysProgressMovesToItsTotalAndIsGoneWhenItEnds() {
        String stream = Fixtures.uniqueStream();
        for (int i = 0; i < 4; i++) {
            given().contentType(ContentType.JSON).body("""
                    {"specversion":"1.0","id":"%s","source":"/gauges","type":"%s.updated","subject":"K-%d","data":{}}"""
                    .formatted(UUID.randomUUID(), stream, i)).post("/events").then().statusCode(202);
        }
        await().atMost(PATIENCE).until(() -> given().get("/events?type={t}", stream + ".updated").then().extract()
                .jsonPath().getList("events").size() == 4);
        // One event every 2 s: a step of one event each, about 6 s in all, read by the gauges every second.
        String target = "replay." + stream;
        long job = given().contentType(ContentType.JSON)
                .body(Map.of("streams", List.of(stream), "targetTopic", target, "eventsPerSecond", 0.5))
                .post("/replays").then().statusCode(202).extract().jsonPath().getLong("id");
        String tags = "job=\"" + job + "\",target=\"" + target + "\"";
        List<Double> sent = new ArrayList<>();
        List<Double> totals = new ArrayList<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
            String scrape = scrape();
            find(scrape, "eventlake_replay_sent", tags).ifPresent(sent::add);
            find(scrape, "eventlake_replay_total", tags).ifPresent(totals::add);
            return "SUCCEEDED".equals(given().get("/replays/{id}", job).then().extract().jsonPath().getString("state"));
        });
        assertThat(totals).as("the total while it ran").isNotEmpty().containsOnly(4.0);
        assertThat(sent).as("sent while it ran").isSorted().anyMatch(value -> value > 0 && value < 4);
        await().atMost(PATIENCE).until(() -> find(scrape(), "eventlake_replay_sent", tags).isEmpty());
    }

    private static long pendingNotJsonInDatabase() {
        return LakeDatabase.count("select count(*) from dead_letter where status = 'PENDING' and reason_code = 'NOT_JSON'");
    }

    private static long succeededJobsInDatabase() {
        return LakeDatabase.count("select count(*) from replay_job where state = 'SUCCEEDED'");
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static java.util.Optional<Double> find(String scrape, String name, String tags) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(name + "{" + tags + "}") + " (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        return matcher.find() ? java.util.Optional.of(Double.parseDouble(matcher.group(1))) : java.util.Optional.empty();
    }

    /** One gauge's value in the scrape ({@code tags} as printed, or null for none); 0 while it is absent. */
    private static double gauge(String name, String tags) {
        String series = Pattern.quote(name) + (tags == null ? "" : "\\{" + Pattern.quote(tags) + "}");
        Matcher matcher = Pattern.compile("^" + series + " (\\S+)$", Pattern.MULTILINE).matcher(scrape());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
