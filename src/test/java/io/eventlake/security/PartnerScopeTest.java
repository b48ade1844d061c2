package io.eventlake.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.TestIdentity;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** A partner's token names its streams: it reads, lists and finds only those, and is refused the others. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class PartnerScopeTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final String MINE = Fixtures.uniqueStream();
    private static final String THEIRS = Fixtures.uniqueStream();
    private static final String THEIR_EVENT = UUID.randomUUID().toString();

    private static boolean ingested;

    /** Once, before the first test (RestAssured knows the service's port only from then on). */
    @BeforeEach
    void twoStreamsInTheLake() {
        if (ingested) {
            return;
        }
        ingested = true;
        String batch = """
                [{"id":"%s","source":"/tests","type":"%s.updated","subject":"K-1","data":%s},
                 {"id":"%s","source":"/tests","type":"%s.updated","subject":"K-2","data":%s}]"""
                .formatted(UUID.randomUUID(), MINE, Fixtures.rental(1, 1), THEIR_EVENT, THEIRS, Fixtures.rental(2, 1));
        given().header("Authorization", TestIdentity.bearer(Roles.PRODUCER)).contentType(ContentType.JSON).body(batch)
                .post("/events").then().statusCode(202);
        await().atMost(PATIENCE).untilAsserted(() -> given().header("Authorization", TestIdentity.bearer(Roles.READER))
                .get("/streams/{s}/keys/K-2", THEIRS).then().statusCode(200));
        await().atMost(PATIENCE).untilAsserted(() -> given().header("Authorization", TestIdentity.bearer(Roles.READER))
                .get("/streams/{s}/keys/K-1", MINE).then().statusCode(200));
    }

    private static String partner() {
        return "Bearer " + TestIdentity.builder().roles(Roles.READER).streams(MINE).sign();
    }

    @Test
    void readsItsOwnStream() {
        given().header("Authorization", partner()).get("/streams/{s}/keys/K-1", MINE).then().statusCode(200)
                .body("key", equalTo("K-1"));
        given().header("Authorization", partner()).get("/streams/{s}/snapshot", MINE).then().statusCode(200);
    }

    @Test
    void isRefusedAnotherStreamNamingIt() {
        for (String path : new String[] { "/streams/{s}/keys/K-2", "/streams/{s}/snapshot", "/streams/{s}/events" }) {
            given().header("Authorization", partner()).get(path, THEIRS).then().statusCode(403)
                    .contentType("application/problem+json")
                    .body("detail", containsString("stream '" + THEIRS + "'"));
        }
        given().header("Authorization", partner()).get("/schemas/{type}/versions", THEIRS + ".updated").then()
                .statusCode(403);
    }

    @Test
    void listsShowOnlyItsStreams() {
        given().header("Authorization", partner()).get("/streams").then().statusCode(200)
                .body("streams.stream", hasItem(MINE))
                .body("streams.stream", everyItem(equalTo(MINE)));
        given().header("Authorization", partner()).get("/events?limit=1000").then().statusCode(200)
                .body("events.stream", hasItem(MINE))
                .body("events.stream", everyItem(equalTo(MINE)));
        given().header("Authorization", partner()).get("/events?type={t}", THEIRS + ".updated").then().statusCode(200)
                .body("events", org.hamcrest.Matchers.empty()).body("hasMore", equalTo(false));
        // Asked again from where a page of its own left off: nothing, and the cursor stays where it was.
        String cursor = given().header("Authorization", partner()).get("/events?type={t}&limit=1", MINE + ".updated").then()
                .statusCode(200).extract().path("next");
        given().header("Authorization", partner()).get("/events?type={t}&after={c}", THEIRS + ".updated", cursor).then()
                .statusCode(200).body("events", org.hamcrest.Matchers.empty()).body("next", equalTo(cursor));
    }

    @Test
    void doesNotFindAnotherStreamsEventById() {
        given().header("Authorization", partner()).get("/events/{id}", THEIR_EVENT).then().statusCode(404);
        given().header("Authorization", TestIdentity.bearer(Roles.READER)).get("/events/{id}", THEIR_EVENT).then()
                .statusCode(200).body("stream", equalTo(THEIRS));
    }

    @Test
    void mayNotReplayOrSubscribeToAnotherStream() {
        String operator = "Bearer " + TestIdentity.builder().roles(Roles.OPERATOR).streams(MINE).sign();
        given().header("Authorization", operator).contentType(ContentType.JSON)
                .body("{\"streams\":[\"" + MINE + "\",\"" + THEIRS + "\"],\"targetTopic\":\"replay." + MINE + "\"}")
                .post("/replays").then().statusCode(403).body("detail", containsString(THEIRS))
                .body("detail", not(containsString("'" + MINE + "'")));
        given().header("Authorization", operator).contentType(ContentType.JSON)
                .body("{\"group\":\"g-" + MINE + "\",\"streams\":[\"" + THEIRS + "\"],\"start\":\"earliest\"}")
                .post("/subscriptions").then().statusCode(403);
        given().header("Authorization", operator).get("/dead-letters").then().statusCode(403);
        given().header("Authorization", operator).get("/consumer-groups").then().statusCode(403);
    }
}
