package io.eventlake.streams;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.SignedInAsAdmin;
import io.eventlake.testing.TestIdentity;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Readers of snapshots and event streams cannot starve ingest: they have database connections of their own, and
 * a bounded number of open streams, beyond which they are told to come back (503 with {@code Retry-After}). Run
 * with 3 reader slots and one reader connection.
 */
@QuarkusTest
@TestProfile(ReadersTest.FewReaders.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class ReadersTest extends SignedInAsAdmin {

    public static class FewReaders implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eventlake.readers.max-open", "3", "eventlake.readers.max-connections", "1");
        }
    }

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    ReaderPool readers;

    @Test
    void whenEveryReaderSlotIsTakenTheNextReaderIsToldToComeBackAndAFreedSlotIsReused() throws Exception {
        String stream = postEvents(2);
        HttpClient http = HttpClient.newHttpClient();
        List<HttpResponse<Stream<String>>> followers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<Stream<String>> follower = http.send(HttpRequest.newBuilder(URI.create(
                    "http://localhost:" + RestAssured.port + "/streams/" + stream + "/events?follow=true"))
                    .header("Authorization", TestIdentity.bearer("reader")).build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(follower.statusCode()).isEqualTo(200);
            followers.add(follower);
        }
        given().get("/streams/{s}/snapshot", stream).then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("detail", containsString("eventlake.readers.max-open"));

        followers.get(0).body().close();
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/streams/{s}/snapshot", stream).then().statusCode(200));
        followers.forEach(follower -> follower.body().close());
    }

    @Test
    void ingestAndTheLakeApiKeepWorkingWhileReadersHoldEveryReaderConnection() {
        String stream = postEvents(1);
        // what slow readers do to the pool: take its every connection and keep it
        SqlConnection held = readers.pool().getConnection().await().atMost(PATIENCE);
        try {
            String later = postEvents(3);
            given().get("/events?type={t}", later + ".updated").then().statusCode(200)
                    .body("events.size()", equalTo(3));
        } finally {
            held.closeAndAwait();
        }
        given().get("/streams/{s}/snapshot", stream).then().statusCode(200).body(containsString("k0"));
    }

    /** Posts events of a new stream, each its own key, and waits until the lake holds them. */
    private static String postEvents(int count) {
        String stream = Fixtures.uniqueStream();
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            batch.append(i == 0 ? "" : ",").append("""
                    {"specversion":"1.0","id":"%s","source":"/readers","type":"%s.updated","subject":"k%d","data":{"n":%d}}"""
                    .formatted(UUID.randomUUID(), stream, i, i));
        }
        given().contentType(ContentType.JSON).body(batch.append("]").toString()).post("/events").then().statusCode(202);
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/events?type={t}", stream + ".updated").then()
                .statusCode(200).body("events.size()", equalTo(count)));
        return stream;
    }
}
