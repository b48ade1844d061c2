package io.eventlake.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Meter tags built from stream names stay bounded: with {@code eventlake.metrics.max-tag-values=0}, streams
 * producers make up are counted under {@code other} and get no series of their own, while a configured stream
 * ({@code versioned}, configured for compaction in the test profile) keeps its name.
 */
@QuarkusTest
@TestProfile(MeterTagsTest.NoNamesOfTheirOwn.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class MeterTagsTest extends SignedInAsAdmin {

    public static class NoNamesOfTheirOwn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eventlake.metrics.max-tag-values", "0");
        }
    }

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void streamsBeyondTheLimitAreCountedAsOtherAndConfiguredStreamsKeepTheirName() {
        String made = Fixtures.uniqueStream();
        double otherBefore = storedOf("other");
        double versionedBefore = storedOf("versioned");

        post(made, 3);
        post("versioned", 1);

        await().atMost(PATIENCE).until(() -> storedOf("other") - otherBefore >= 3 && storedOf("versioned") > versionedBefore);
        String scrape = scrape();
        assertThat(scrape).as("no series names the made-up stream").doesNotContain("stream=\"" + made + "\"");
        assertThat(scrape).contains("eventlake_end_to_end_latency_seconds_count{from=\"arrival\",stream=\"other\"}");
        assertThat(storedOf("versioned") - versionedBefore).isEqualTo(1.0);
    }

    private static void post(String stream, int count) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            batch.append(i == 0 ? "" : ",")
                    .append("""
                            {"specversion":"1.0","id":"%s","source":"/meters","type":"%s.updated","subject":"k%d","data":{"version":%d}}"""
                            .formatted(UUID.randomUUID(), stream, i, i));
        }
        given().contentType(ContentType.JSON).body(batch.append("]").toString()).post("/events").then().statusCode(202);
    }

    /** The count of events stored for this stream tag, 0 while there is no such series. */
    private static double storedOf(String tag) {
        Matcher matcher = Pattern.compile("^eventlake_events_ingested_total\\{outcome=\"stored\",stream=\""
                + Pattern.quote(tag) + "\"} (\\S+)$", Pattern.MULTILINE).matcher(scrape());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
