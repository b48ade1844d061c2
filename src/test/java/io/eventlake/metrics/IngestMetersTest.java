package io.eventlake.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * The ingest meters against a known workload, read the way Prometheus reads them (the scrape): counts per
 * stream, and latency histograms in seconds whose buckets include the 10, 50, 100 and 500 ms objectives and
 * whose counts equal the events forwarded.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class IngestMetersTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int VALID = 200;
    private static final int INVALID = 5;

    @Test
    void aKnownWorkloadIsCountedAndItsLatencyHistogramsHoldEveryEvent() {
        String stream = Fixtures.uniqueStream();
        String topic = "ingest." + stream;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int version = 0; version < VALID + INVALID; version++) {
            String json = version % 41 == 40 ? "{\"not json" : Fixtures.rental(version % 20, version);
            var record = new ProducerRecord<>(topic, ("Rental-" + version % 20).getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-type", (stream + ".updated").getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        KafkaTestClient kafka = KafkaBrokerResource.client();
        kafka.createTopic(topic, 2);
        kafka.sendAll(records);
        String tags = "stream=\"" + stream + "\"";

        // The latency is recorded when a batch is forwarded, the outcome once its checkpoint is written: wait for both.
        await().atMost(PATIENCE).until(() -> {
            String scrape = scrape();
            return value(scrape, "eventlake_end_to_end_latency_seconds_count", "from=\"arrival\"," + tags) == VALID
                    && value(scrape, "eventlake_events_ingested_total", "outcome=\"stored\"," + tags) == VALID;
        });
        String scrape = scrape();
        assertThat(value(scrape, "eventlake_events_ingested_total", "outcome=\"stored\"," + tags)).isEqualTo(VALID);
        for (String from : List.of("arrival", "event_time")) {
            String latency = "from=\"" + from + "\"," + tags;
            assertThat(value(scrape, "eventlake_end_to_end_latency_seconds_count", latency)).isEqualTo(VALID);
            for (String objective : List.of("0.01", "0.05", "0.1", "0.5")) {
                double bucket = value(scrape, "eventlake_end_to_end_latency_seconds_bucket",
                        latency + ",le=\"" + objective + "\"");
                assertThat(bucket).as("the %s s bucket from %s", objective, from).isBetween(0.0, (double) VALID);
            }
            assertThat(value(scrape, "eventlake_end_to_end_latency_seconds_bucket", latency + ",le=\"+Inf\""))
                    .isEqualTo(VALID);
        }
        for (String timer : List.of("eventlake_lake_write_seconds_bucket", "eventlake_forward_seconds_bucket")) {
            for (String objective : List.of("0.01", "0.05", "0.1", "0.5")) {
                assertThat(scrape).contains(timer + "{le=\"" + objective + "\"}");
            }
            assertThat(value(scrape, timer, "le=\"+Inf\"")).as(timer).isPositive();
        }
    }

    @Test
    void anHttpIngestIsTimedUntilItsEventsAreDurable() {
        double before = value(scrape(), "eventlake_http_ingest_durable_seconds_count", null);
        given().contentType(ContentType.JSON).body("""
                {"specversion":"1.0","id":"%s","source":"/meters","type":"%s.created","data":{}}"""
                .formatted(UUID.randomUUID(), Fixtures.uniqueStream())).post("/events").then().statusCode(202);
        assertThat(value(scrape(), "eventlake_http_ingest_durable_seconds_count", null)).isEqualTo(before + 1);
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of one series of the scrape ({@code tags} exactly as printed, or null for none); 0 if absent. */
    private static double value(String scrape, String name, String tags) {
        String series = Pattern.quote(name) + (tags == null ? "" : "\\{" + Pattern.quote(tags) + "}");
        Matcher matcher = Pattern.compile("^" + series + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
