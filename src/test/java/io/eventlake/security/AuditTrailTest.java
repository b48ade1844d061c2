package io.eventlake.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.TestIdentity;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every state-changing call, allowed or refused, is in the audit trail exactly once, with its real caller. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class AuditTrailTest {

    private static String as(String subject, String role) {
        return "Bearer " + TestIdentity.builder().subject(subject).clientId("console").roles(role).sign();
    }

    @Test
    void eachStateChangingCallIsRecordedOnceWithItsCallerAndOutcome() {
        String subject = "auditor-" + UUID.randomUUID();
        String type = Fixtures.uniqueStream() + ".updated";
        String admin = as(subject, Roles.ADMIN);

        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"type\":\"object\"}")
                .post("/schemas/{type}/versions", type).then().statusCode(201)
                .body("createdBy", equalTo(subject));
        given().header("Authorization", as(subject, Roles.READER)).contentType(ContentType.JSON)
                .body("{\"compatibility\":\"NONE\"}").put("/schemas/{type}/compatibility", type).then().statusCode(403);
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"compatibility\":\"SIDEWAYS\"}")
                .put("/schemas/{type}/compatibility", type).then().statusCode(400);
        // reads are not audited
        given().header("Authorization", admin).get("/schemas/{type}/versions", type).then().statusCode(200);
        // a validation sandbox is a POST that changes nothing: not audited either
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{}")
                .post("/schemas/{type}/validate", type).then().statusCode(200);

        given().header("Authorization", admin).get("/audit?subject={s}", subject).then().statusCode(200)
                .body("entries", hasSize(3))
                .body("entries.outcome", contains("REJECTED", "REFUSED", "SUCCEEDED"))
                .body("entries.status", contains(400, 403, 201))
                .body("entries.operation", contains("SchemaResource.setCompatibility", "SchemaResource.setCompatibility",
                        "SchemaResource.register"))
                .body("entries.target", contains("type=" + type, "type=" + type, "type=" + type))
                .body("entries.clientId", contains("console", "console", "console"))
                .body("entries[1].roles", contains(Roles.READER))
                .body("entries[2].roles", containsInAnyOrder(Roles.ADMIN, Roles.PRODUCER, Roles.READER, Roles.OPERATOR,
                        Roles.METRICS));
    }

    @Test
    void anAnonymousOrBadlySignedCallIsRecordedAsAnonymous() {
        String group = "audit-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body("{\"strategy\":\"to-earliest\"}")
                .post("/consumer-groups/{g}/offsets/reset", group).then().statusCode(401);
        given().header("Authorization", "Bearer " + TestIdentity.builder().subject("forger").roles(Roles.ADMIN)
                .signedByStranger().sign()).contentType(ContentType.JSON).body("{\"strategy\":\"to-earliest\"}")
                .post("/consumer-groups/{g}/offsets/reset", group).then().statusCode(401);

        given().header("Authorization", TestIdentity.bearer(Roles.ADMIN))
                .get("/audit?operation=ConsumerGroupResource.reset&outcome=REFUSED&limit=1000").then().statusCode(200)
                .body("entries.findAll { it.target == 'group=" + group + "' }.subject", contains("anonymous", "anonymous"))
                .body("entries.findAll { it.target == 'group=" + group + "' }.status", contains(401, 401));
    }

    @Test
    void theTrailIsForAdminsAndItsFiltersAreChecked() {
        given().header("Authorization", TestIdentity.bearer(Roles.OPERATOR)).get("/audit").then().statusCode(403);
        given().header("Authorization", TestIdentity.bearer(Roles.ADMIN)).get("/audit?outcome=MAYBE").then()
                .statusCode(400).body("errors[0].parameter", equalTo("outcome"));
        given().header("Authorization", TestIdentity.bearer(Roles.ADMIN)).get("/audit?from=yesterday").then()
                .statusCode(400);
    }
}
