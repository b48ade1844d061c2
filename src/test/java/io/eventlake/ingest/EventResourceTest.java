package io.eventlake.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** {@code /events} over HTTP, against the real broker and database, and every bad input it must refuse. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class EventResourceTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @Test
    void aPostedEventIsStoredForwardedAndReadBack() {
        String stream = IngestPipelineTest.uniqueStream();
        String id = UUID.randomUUID().toString();
        String body = """
                {"specversion":"1.0","id":"%s","source":"/tests","type":"%s.updated","subject":"Rental-42",
                 "time":"2025-06-12T08:00:00Z","data":%s}""".formatted(id, stream, Fixtures.rental(42, 1));

        given().contentType(ContentType.JSON).body(body).post("/events")
                .then().statusCode(202)
                .header("Location", containsString("/events/" + id))
                .body("accepted[0].id", equalTo(id))
                .body("accepted[0].source", equalTo("/tests"));

        await().atMost(PATIENCE).untilAsserted(() -> given().get("/events/{id}", id).then().statusCode(200));
        given().get("/events/{id}", id).then()
                .body("id", equalTo(id))
                .body("source", equalTo("/tests"))
                .body("type", equalTo(stream + ".updated"))
                .body("stream", equalTo(stream))
                .body("subject", equalTo("Rental-42"))
                .body("data.id", equalTo(42))
                .body("data.address.city", equalTo("Lagos"));
        var forwarded = kafka.readAll("clean." + stream, 1, Duration.ofSeconds(2), PATIENCE);
        assertThat(forwarded).hasSize(1);
        assertThat(new String(forwarded.get(0).key())).isEqualTo("Rental-42");
    }

    @Test
    void anEventDatedFarAheadOfTheServiceClockIsRefusedNamingTheAllowedSkew() {
        String stream = IngestPipelineTest.uniqueStream();
        given().contentType(ContentType.JSON).body("""
                [{"specversion":"1.0","id":"%s","source":"/tests","type":"%s.updated","subject":"k","time":"%s",
                  "data":{"n":1}},
                 {"specversion":"1.0","source":"/tests","type":"%s.updated","subject":"k","time":"2099-01-01T00:00:00Z",
                  "data":{"n":2}}]""".formatted(UUID.randomUUID(), stream, java.time.Instant.now(), stream))
                .post("/events").then().statusCode(422).contentType("application/problem+json")
                .body("errors.pointer", equalTo(List.of("/1/time")))
                .body("errors[0].message", containsString("max-future-skew"));
        // java.time reads a nine-digit year; RFC 3339 has four
        given().contentType(ContentType.JSON).body("""
                {"specversion":"1.0","source":"/tests","type":"%s.updated","time":"+999999999-12-31T23:59:59Z","data":{}}"""
                .formatted(stream)).post("/events").then().statusCode(400).body("errors[0].pointer", equalTo("/time"));
    }

    @Test
    void aNulInAPathOrQueryIsABadRequestNotADatabaseError() {
        given().urlEncodingEnabled(false).get("/events?type=rental%00.updated").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].parameter", equalTo("type"));
        given().urlEncodingEnabled(false).get("/events/abc%00def").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].parameter", equalTo("path"));
        given().urlEncodingEnabled(false).get("/streams/s%00/snapshot").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void aPostedBatchIsStoredInOrderAndPagedWithACursor() {
        String stream = IngestPipelineTest.uniqueStream();
        String type = stream + ".updated";
        StringBuilder batch = new StringBuilder("[");
        for (int v = 0; v < 5; v++) {
            batch.append(v == 0 ? "" : ",").append("""
                    {"type":"%s","subject":"Rental-1","data":%s}""".formatted(type, Fixtures.rental(1, v)));
        }
        batch.append("]");
        given().contentType("application/cloudevents-batch+json").body(batch.toString()).post("/events")
                .then().statusCode(202).body("accepted", hasSize(5)).body("accepted[0].id", notNullValue());

        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("type", type).get("/events")
                .then().statusCode(200).body("events", hasSize(5)));

        String next = given().queryParam("type", type).queryParam("limit", 2).get("/events")
                .then().statusCode(200)
                .body("events.data.version", equalTo(List.of(0, 1)))
                .body("hasMore", equalTo(true))
                .extract().path("next");
        String last = given().queryParam("type", type).queryParam("limit", 2).queryParam("after", next).get("/events")
                .then().statusCode(200)
                .body("events.data.version", equalTo(List.of(2, 3)))
                .extract().path("next");
        String end = given().queryParam("type", type).queryParam("limit", 2).queryParam("after", last).get("/events")
                .then().statusCode(200)
                .body("events.data.version", equalTo(List.of(4)))
                .body("hasMore", equalTo(false))
                .extract().path("next");
        given().queryParam("type", type).queryParam("after", end).get("/events")
                .then().statusCode(200).body("events", hasSize(0)).body("next", equalTo(end));
        given().queryParam("key", "Rental-1").queryParam("type", type).queryParam("from", "2000-01-01T00:00:00Z")
                .queryParam("to", "2999-01-01T00:00:00Z").get("/events")
                .then().statusCode(200).body("events", hasSize(5));
        given().queryParam("type", type).queryParam("to", "2000-01-01T00:00:00Z").get("/events")
                .then().statusCode(200).body("events", hasSize(0));
    }

    @Test
    void aTimeRangeFindsEveryEventWhoseTimeIsInItInLakeOrderIncludingOneThatArrivedLate() {
        String stream = IngestPipelineTest.uniqueStream();
        String type = stream + ".updated";
        // One key, so one partition: stored in this order. Event times in three hours of a day long past.
        List<String> times = List.of("2025-03-01T10:15:00Z", "2025-03-01T10:45:00Z", "2025-03-01T11:59:59.999Z",
                "2025-03-01T12:05:00Z");
        StringBuilder batch = new StringBuilder("[");
        for (int v = 0; v < times.size(); v++) {
            batch.append(v == 0 ? "" : ",").append("""
                    {"type":"%s","subject":"Rental-1","time":"%s","data":%s}""".formatted(type, times.get(v),
                    Fixtures.rental(1, v)));
        }
        batch.append("]");
        given().contentType("application/cloudevents-batch+json").body(batch.toString()).post("/events").then()
                .statusCode(202);
        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("type", type).get("/events").then()
                .statusCode(200).body("events", hasSize(4)));
        // Stored after the others, with a time in the first hour: its seq is beyond that hour's first bounds.
        given().contentType(ContentType.JSON).body("""
                {"type":"%s","subject":"Rental-1","time":"2025-03-01T10:30:00Z","data":%s}""".formatted(type,
                Fixtures.rental(1, 4))).post("/events").then().statusCode(202);
        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("type", type).get("/events").then()
                .statusCode(200).body("events", hasSize(5)));

        assertWindow(type, "2025-03-01T10:00:00Z", "2025-03-01T11:00:00Z", List.of(0, 1, 4));
        assertWindow(type, "2025-03-01T10:30:00Z", "2025-03-01T12:00:00Z", List.of(1, 2, 4));
        assertWindow(type, "2025-03-01T11:00:00Z", "2025-03-01T12:00:00Z", List.of(2));
        assertWindow(type, "2025-03-01T10:20:00Z", "2025-03-01T10:40:00Z", List.of(4));
        assertWindow(type, "2025-03-01T12:05:00.001Z", null, List.of());
        assertWindow(type, "2025-03-01T12:00:00Z", null, List.of(3));
        assertWindow(type, null, "2025-03-01T10:15:00.001Z", List.of(0));
        assertWindow(type, "2025-02-01T00:00:00Z", "2025-02-02T00:00:00Z", List.of());
        // Ends inside hours (looked up by the minute) around a whole hour (by the hour).
        assertWindow(type, "2025-03-01T10:15:00.001Z", "2025-03-01T12:05:00.001Z", List.of(1, 2, 3, 4));
        assertWindow(type, "2025-03-01T10:15:00.001Z", "2025-03-01T12:04:59.999Z", List.of(1, 2, 4));
        assertWindow(type, "2025-03-01T10:29:59Z", "2025-03-01T10:30:00.001Z", List.of(4));
        assertWindow(type, "2025-03-01T10:30:00.001Z", "2025-03-01T10:44:59.999Z", List.of());
        assertWindow(type, "2025-03-01T11:59:59.999Z", "2025-03-01T12:00:00Z", List.of(2));
        // Paged through a window: the cursor carries on inside it.
        String next = given().queryParam("type", type).queryParam("from", "2025-03-01T10:00:00Z").queryParam("limit", 2)
                .get("/events").then().statusCode(200).body("events.data.version", equalTo(List.of(0, 1)))
                .extract().path("next");
        given().queryParam("type", type).queryParam("from", "2025-03-01T10:00:00Z").queryParam("after", next)
                .get("/events").then().statusCode(200).body("events.data.version", equalTo(List.of(2, 3, 4)));
    }

    private static void assertWindow(String type, String from, String to, List<Integer> versions) {
        var request = given().queryParam("type", type);
        if (from != null) {
            request.queryParam("from", from);
        }
        if (to != null) {
            request.queryParam("to", to);
        }
        request.get("/events").then().statusCode(200).body("events.data.version", equalTo(versions));
    }

    @Test
    void aRetriedPostWithTheSameIdStoresTheEventOnce() {
        String stream = IngestPipelineTest.uniqueStream();
        String type = stream + ".updated";
        String id = UUID.randomUUID().toString();
        String event = "{\"id\":\"" + id + "\",\"source\":\"/tests\",\"type\":\"" + type
                + "\",\"subject\":\"Rental-5\",\"data\":{\"version\":1}}";
        given().contentType(ContentType.JSON).body(event).post("/events").then().statusCode(202);
        given().contentType(ContentType.JSON).body(event).post("/events").then().statusCode(202);
        // Same subject, so same partition and behind the two posts: once it is stored, both were handled.
        given().contentType(ContentType.JSON)
                .body("{\"type\":\"" + type + "\",\"subject\":\"Rental-5\",\"data\":{\"version\":2}}")
                .post("/events").then().statusCode(202);

        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("type", type).get("/events")
                .then().statusCode(200).body("events.data.version", hasItem(2)));
        given().queryParam("type", type).get("/events").then()
                .body("events.id.findAll { it == '" + id + "' }.size()", equalTo(1))
                .body("events.size()", equalTo(2));
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWith400() {
        given().contentType(ContentType.JSON).body("{\"type\": ").post("/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors[0].pointer", equalTo(""))
                .body("errors[0].message", containsString("not JSON"));
    }

    @Test
    void anEventWithoutTypeIsRefusedNamingTheField() {
        given().contentType(ContentType.JSON).body("{\"data\": {}}").post("/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].pointer", equalTo("/type"))
                .body("errors[0].message", equalTo("is required"));
    }

    @Test
    void everyBadFieldOfABatchIsReportedWithItsPointer() {
        given().contentType(ContentType.JSON)
                .body("[{\"type\":\"a.b\"}, {\"type\": 3}, {\"type\":\"a.b\",\"time\":\"tomorrow\"}, 7]").post("/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", equalTo(List.of("/1/type", "/2/time", "/3")));
    }

    @Test
    void anEmptyBatchIsRefused() {
        given().contentType(ContentType.JSON).body("[]").post("/events")
                .then().statusCode(400).body("detail", equalTo("the batch is empty"));
    }

    @Test
    void aBodyAboveTheSizeLimitIsRefusedWith413() {
        String big = "{\"type\":\"a.b\",\"data\":\"" + "x".repeat(1_100_000) + "\"}";
        given().contentType(ContentType.JSON).body(big).post("/events")
                .then().statusCode(413).contentType("application/problem+json")
                .body("title", equalTo("Payload too large"));
    }

    @Test
    void aBatchAboveTheSizeLimitIsRefusedWith413() {
        String batch = "[" + String.join(",", java.util.Collections.nCopies(501, "{\"type\":\"a.b\"}")) + "]";
        given().contentType(ContentType.JSON).body(batch).post("/events")
                .then().statusCode(413).body("detail", containsString("at most 500"));
    }

    @Test
    void anUnsupportedMediaTypeIsRefusedWith415() {
        given().contentType(ContentType.TEXT).body("hello").post("/events")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void anUnknownEventIs404() {
        given().get("/events/{id}", "no-such-event").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("no-such-event"));
    }

    @Test
    void badQueryParametersAreRefusedNamingTheParameter() {
        given().queryParam("limit", 0).get("/events").then().statusCode(400)
                .body("errors[0].parameter", equalTo("limit"));
        given().queryParam("limit", 1001).get("/events").then().statusCode(400)
                .body("errors[0].parameter", equalTo("limit"));
        given().queryParam("limit", "ten").get("/events").then().statusCode(400)
                .body("errors[0].parameter", equalTo("limit"));
        given().queryParam("after", "bm90LWEtY3Vyc29y").get("/events").then().statusCode(400)
                .body("errors[0].parameter", equalTo("after"));
        given().queryParam("from", "yesterday").get("/events").then().statusCode(400)
                .body("errors[0].parameter", equalTo("from"));
        given().queryParam("from", "2025-01-02T00:00:00Z").queryParam("to", "2025-01-01T00:00:00Z").get("/events")
                .then().statusCode(400).body("errors[0].parameter", equalTo("to"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        String stream = IngestPipelineTest.uniqueStream();
        String id = UUID.randomUUID().toString();
        given().contentType(ContentType.JSON).body("{\"id\":\"" + id + "\",\"type\":\"" + stream + ".created\",\"data\":{}}")
                .post("/events").then().statusCode(202);
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/events/{id}", id).then().statusCode(200));

        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        // The counter moves once the store's transaction has committed, a moment after the event is readable.
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("eventlake_events_ingested_total{outcome=\"stored\",stream=\"" + stream + "\"} 1.0"))
                .body(containsString("eventlake_lake_write_seconds_count")));
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItem("/events"));
    }

    @Test
    void eventsWhoseDataIsAnyJsonValueAreServedByTheLakeApi() {
        // ingest accepts data that is valid JSON but not an object; the lake API must serve it back as written
        String type = IngestPipelineTest.uniqueStream() + ".updated";
        String batch = "[" + String.join(",", List.of("42", "[1,2]", "\"text\"", "true").stream()
                .map(data -> "{\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/tests\",\"type\":\"" + type
                        + "\",\"subject\":\"K-" + data.hashCode() + "\",\"data\":" + data + "}")
                .toList()) + "]";
        given().contentType(ContentType.JSON).body(batch).post("/events").then().statusCode(202);
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/events?type={t}", type).then().statusCode(200)
                .body("events", org.hamcrest.Matchers.hasSize(4)));
        given().get("/events?type={t}", type).then().statusCode(200)
                .body("events[0].data", equalTo(42))
                .body("events[1].data", equalTo(List.of(1, 2)))
                .body("events[2].data", equalTo("text"))
                .body("events[3].data", equalTo(true));
        String id = given().get("/events?type={t}", type).then().extract().path("events[1].id");
        given().get("/events/{id}", id).then().statusCode(200).body("data", equalTo(List.of(1, 2)));
    }
}
