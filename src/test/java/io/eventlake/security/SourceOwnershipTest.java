package io.eventlake.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.TestIdentity;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** A producer posts only under the sources it owns, so nobody can shadow another producer's events. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class SourceOwnershipTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static String event(String id, String stream, String source) {
        return "{\"id\":\"" + id + "\"," + (source == null ? "" : "\"source\":\"" + source + "\",") + "\"type\":\""
                + stream + ".updated\",\"subject\":\"K-1\",\"data\":" + Fixtures.rental(1, 1) + "}";
    }

    @Test
    void anEventWithoutASourceIsPostedUnderTheClientsOwn() {
        String stream = Fixtures.uniqueStream();
        String id = UUID.randomUUID().toString();
        String token = "Bearer " + TestIdentity.builder().roles(Roles.PRODUCER).clientId("billing").sources().sign();
        given().header("Authorization", token).contentType(ContentType.JSON).body(event(id, stream, null))
                .post("/events").then().statusCode(202).body("accepted[0].source", equalTo("eventlake/http/billing"));
        await().atMost(PATIENCE).untilAsserted(() -> given().header("Authorization", TestIdentity.bearer(Roles.READER))
                .get("/events/{id}", id).then().statusCode(200).body("source", equalTo("eventlake/http/billing")));
    }

    @Test
    void anotherClientsSourceIsRefused() {
        String stream = Fixtures.uniqueStream();
        String token = "Bearer " + TestIdentity.builder().roles(Roles.PRODUCER).clientId("billing").sources().sign();
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body(event(UUID.randomUUID().toString(), stream, "eventlake/http/rentals")).post("/events").then()
                .statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("'eventlake/http/rentals'"));
    }

    @Test
    void theSourcesClaimGrantsSourcesAndPrefixes() {
        String stream = Fixtures.uniqueStream();
        String token = "Bearer " + TestIdentity.builder().roles(Roles.PRODUCER).sources("/rentals/*", "/legacy").sign();
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body("[" + event(UUID.randomUUID().toString(), stream, "/rentals/eu") + ","
                        + event(UUID.randomUUID().toString(), stream, "/legacy") + "]")
                .post("/events").then().statusCode(202);
        // one event outside the claim refuses the whole batch, naming where it is
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body("[" + event(UUID.randomUUID().toString(), stream, "/rentals/eu") + ","
                        + event(UUID.randomUUID().toString(), stream, "/legacy/x") + "]")
                .post("/events").then().statusCode(403).body("detail", containsString("/1/source"));
    }
}
