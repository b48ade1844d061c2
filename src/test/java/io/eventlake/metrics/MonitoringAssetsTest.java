package io.eventlake.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 * The shipped dashboard ({@code docker/grafana/dashboards/event-lake.json}) and alert rules
 * ({@code docker/prometheus/alerts.yml}) query only meters the service exposes: after a workload that touches
 * each of them (stored, duplicate and superseded events, a schema refusal, a dead letter, a replay), every metric
 * name in their queries is in a scrape of {@code /q/metrics}. ({@code promtool check rules} checks the rules'
 * syntax in CI.)
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class MonitoringAssetsTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Pattern METRIC = Pattern.compile("\\b(eventlake|sql_pool)_[a-z0-9_]+");

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsExposed() throws Exception {
        Set<String> queried = new TreeSet<>();
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("docker/grafana/dashboards/event-lake.json").toFile());
        dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(target -> queried.addAll(
                metricsIn(target.get("expr").asText()))));
        String rules = Files.readString(Path.of("docker/prometheus/alerts.yml"));
        rules.lines().filter(line -> line.trim().startsWith("expr:")).forEach(line -> queried.addAll(metricsIn(line)));
        assertThat(queried).as("the dashboard and the rules query the service's meters").hasSizeGreaterThan(8);

        long pacedReplay = touchEveryMeter();
        try {
            // Gauges read on a schedule (lag, running replays) appear within a sample or two.
            await().atMost(PATIENCE).untilAsserted(() -> {
                String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
                assertThat(queried).as("metrics missing from the scrape")
                        .allSatisfy(metric -> assertThat(Pattern.compile("^" + metric + "[{ ]", Pattern.MULTILINE)
                                .matcher(scrape).find()).as("%s is in the scrape", metric).isTrue());
            });
            // The alert on waiting queries names the service's pool.
            assertThat(given().get("/q/metrics").then().extract().asString())
                    .contains("sql_pool_queue_size{pool_name=\"lake\"");
        } finally {
            cancel(pacedReplay);
        }
    }

    /** The paced replay a workload leaves running is cancelled: the runner takes one job at a time. */
    private static void cancel(long replay) {
        given().delete("/replays/{id}", replay).then().statusCode(org.hamcrest.Matchers.oneOf(200, 409));
    }

    /** The README's table of meters names every meter of the service a scrape shows after the workload. */
    @Test
    void everyMeterOfTheServiceIsInTheReadmesTable() throws Exception {
        cancel(touchEveryMeter());
        String readme = Files.readString(Path.of("README.md"));
        Map<String, String> kinds = new java.util.HashMap<>();
        Matcher type = Pattern.compile("^# TYPE (eventlake_[a-z0-9_]+) (\\w+)$", Pattern.MULTILINE)
                .matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        while (type.find()) {
            kinds.put(type.group(1), type.group(2));
        }
        // A counter's family is named without _total; a timer's _max gauge belongs to its histogram.
        Set<String> families = new TreeSet<>();
        kinds.forEach((name, kind) -> {
            String base = name.endsWith("_max") ? name.substring(0, name.length() - 4) : null;
            if (base != null && "histogram".equals(kinds.get(base))) {
                return;
            }
            families.add("counter".equals(kind) ? name.replaceFirst("_total$", "") : name);
        });
        assertThat(families).as("the service's meters").hasSizeGreaterThan(15);
        assertThat(families).allSatisfy(family -> assertThat(readme).as("README names %s", family)
                .contains("`" + family));
    }

    private static Set<String> metricsIn(String expression) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(expression);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    /**
     * A small workload that makes every meter of the service appear; returns the id of a replay left running (slowly),
     * whose progress gauges live only while it runs.
     */
    private static long touchEveryMeter() {
        String stream = Fixtures.uniqueStream();
        String id = UUID.randomUUID().toString();
        // stored, then the same id again (a duplicate), then an older update of the key (superseded)
        post(stream, id, "2026-01-02T00:00:00Z", "K-1");
        post(stream, id, "2026-01-02T00:00:00Z", "K-1");
        post(stream, UUID.randomUUID().toString(), "2026-01-01T00:00:00Z", "K-1");
        // a record that is not JSON (a dead letter) and one of a type its stream rejects (a schema refusal)
        String topic = "ingest." + Fixtures.uniqueStream();
        String strictType = "strict." + Fixtures.uniqueStream();
        KafkaTestClient kafka = KafkaBrokerResource.client();
        kafka.createTopic(topic, 1);
        kafka.sendAll(List.of(record(topic, stream + ".updated", "{\"oops"), record(topic, strictType, "{\"id\": 1}")));
        await().atMost(PATIENCE).until(() -> LakeDatabase.count("select count(*) from dead_letter where source_topic = ?",
                topic) == 2 && LakeDatabase.count("select count(*) from lake_event where type = ?", stream + ".updated") == 2);
        // a replay of the stream
        long job = given().contentType(ContentType.JSON)
                .body(Map.of("streams", List.of(stream), "targetTopic", "replay." + stream)).post("/replays").then()
                .statusCode(202).extract().jsonPath().getLong("id");
        await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(given().get("/replays/{id}", job).then().extract()
                .jsonPath().getString("state")));
        // and one of five events paced to an event every 2 s: it runs about 8 s, long enough for the gauges read every
        // second (a job of one event is over before they are read), short enough that the single replay runner, which
        // sees a cancel only between two events, is soon free for the next test's jobs
        String paced = Fixtures.uniqueStream();
        for (int key = 0; key < 5; key++) {
            post(paced, UUID.randomUUID().toString(), "2026-01-02T00:00:00Z", "K-" + key);
        }
        await().atMost(PATIENCE)
                .until(() -> LakeDatabase.count("select count(*) from lake_event where type = ?", paced + ".updated") == 5);
        return given().contentType(ContentType.JSON)
                .body(Map.of("streams", List.of(paced), "targetTopic", "replay." + paced, "eventsPerSecond", 0.5))
                .post("/replays").then().statusCode(202).extract().jsonPath().getLong("id");
    }

    private static void post(String stream, String id, String time, String subject) {
        given().contentType(ContentType.JSON)
                .body("""
                        {"specversion":"1.0","id":"%s","source":"/monitoring","type":"%s.updated","subject":"%s","time":"%s","data":{}}"""
                        .formatted(id, stream, subject, time))
                .post("/events").then().statusCode(202);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String type, String value) {
        var record = new ProducerRecord<>(topic, "K-1".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
