package io.eventlake.schema;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** {@code /schemas} against the real database, schema checks on HTTP ingest, and every bad input refused. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class SchemaResourceTest extends SignedInAsAdmin {

    static final String V1 = """
            {"type": "object", "required": ["id"],
             "properties": {"id": {"type": "integer"}, "name": {"type": "string", "maxLength": 50}}}""";

    static final String REQUIRES_NAME = V1.replace("\"required\": [\"id\"]", "\"required\": [\"id\", \"name\"]");

    @Test
    void registersVersionsAndAnswersTheExistingOneForTheSameContent() {
        String type = uniqueType();
        given().contentType(ContentType.JSON).body(V1).post("/schemas/{type}/versions", type)
                .then().statusCode(201)
                .header("Location", containsString("/schemas/" + type + "/versions/1"))
                .body("version", equalTo(1)).body("schema.required[0]", equalTo("id"));
        // Same content, other key order and whitespace: the existing version.
        String reordered = "{\"properties\":{\"name\":{\"maxLength\":50,\"type\":\"string\"},\"id\":{\"type\":\"integer\"}},"
                + "\"required\":[\"id\"],\"type\":\"object\"}";
        given().contentType(ContentType.JSON).body(reordered).post("/schemas/{type}/versions", type)
                .then().statusCode(200).body("version", equalTo(1));
        String looser = V1.replace("\"maxLength\": 50", "\"maxLength\": 500");
        given().contentType(ContentType.JSON).body(looser).post("/schemas/{type}/versions", type)
                .then().statusCode(201).body("version", equalTo(2));

        given().get("/schemas/{type}/versions/latest", type).then().statusCode(200).body("version", equalTo(2));
        given().get("/schemas/{type}/versions/1", type).then().statusCode(200).body("schema.properties.name.maxLength",
                equalTo(50));
        given().get("/schemas/{type}/versions", type).then().statusCode(200).body("version", hasItems(1, 2));
        given().get("/schemas").then().statusCode(200).body("type", hasItem(type));
    }

    @Test
    void refusesAnIncompatibleVersionListingEachBreakingChange() {
        String type = uniqueType();
        register(type, V1);
        String breaking = REQUIRES_NAME.replace("\"maxLength\": 50", "\"maxLength\": 10");
        given().contentType(ContentType.JSON).body(breaking).post("/schemas/{type}/versions", type)
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Incompatible schema"))
                .body("errors", hasSize(2))
                .body("errors.pointer", hasItems("/name"))
                .body("errors.message", hasItem(containsString("became required")))
                .body("errors.message", hasItem(containsString("maxLength tightened to 10")));
        given().get("/schemas/{type}/versions/latest", type).then().body("version", equalTo(1));
    }

    @Test
    void theCompatibilityLevelIsSetReadAndApplied() {
        String type = uniqueType();
        given().get("/schemas/{type}/compatibility", type).then().statusCode(200).body("compatibility", equalTo("BACKWARD"));
        register(type, V1);
        given().contentType(ContentType.JSON).body("{\"compatibility\": \"FORWARD\"}")
                .put("/schemas/{type}/compatibility", type)
                .then().statusCode(200).body("compatibility", equalTo("FORWARD"));
        given().get("/schemas/{type}/compatibility", type).then().body("compatibility", equalTo("FORWARD"));
        // Adding a required property is forward compatible: old readers can read the new data.
        given().contentType(ContentType.JSON).body(REQUIRES_NAME).post("/schemas/{type}/versions", type)
                .then().statusCode(201).body("version", equalTo(2));
        given().contentType(ContentType.JSON).body("{\"compatibility\": \"NONE\"}").put("/schemas/{type}/compatibility", type)
                .then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"type\": \"string\"}").post("/schemas/{type}/versions", type)
                .then().statusCode(201).body("version", equalTo(3));
    }

    @Test
    void refusesASchemaThatIsNotJsonSchema() {
        given().contentType(ContentType.JSON).body("{\"type\": \"objekt\", \"minLength\": -1}")
                .post("/schemas/{type}/versions", uniqueType())
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.pointer", hasItems("/type", "/minLength"));
    }

    @Test
    void validateChecksAPayloadWithoutIngestingIt() {
        String type = uniqueType();
        register(type, Fixtures.read("/fixtures/rental-updated.schema.json"));
        given().contentType(ContentType.JSON).body(Fixtures.read("/fixtures/rental-updated.valid.json"))
                .post("/schemas/{type}/validate", type)
                .then().statusCode(200).body("valid", equalTo(true)).body("version", equalTo(1));
        given().contentType(ContentType.JSON).body("{\"id\": \"x\", \"name\": \"\"}")
                .post("/schemas/{type}/validate", type)
                .then().statusCode(200).body("valid", equalTo(false))
                .body("errors.pointer", hasItems("/id", "/name", "/status"))
                .body("reason", startsWith("does not match schema '" + type + "' version 1"));
        org.assertj.core.api.Assertions.assertThat(LakeDatabase.count("select count(*) from lake_event where type = ?", type))
                .isZero();
    }

    @Test
    void httpIngestAnswers422WithEveryViolation() {
        String type = uniqueType();
        register(type, V1);
        String event = """
                {"id": "%s", "source": "/tests", "type": "%s", "subject": "Rental-1", "data": %s}""";
        given().contentType(ContentType.JSON).body(event.formatted(UUID.randomUUID(), type, "{\"id\": \"one\"}"))
                .post("/events")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.pointer", hasItems("/data/id"));
        String batch = "[" + event.formatted(UUID.randomUUID(), type, "{\"id\": 1}") + ","
                + event.formatted(UUID.randomUUID(), type, "{\"name\": 7}") + "]";
        given().contentType(ContentType.JSON).body(batch).post("/events")
                .then().statusCode(422).body("errors.pointer", hasItems("/1/data/id", "/1/data/name"));
        given().contentType(ContentType.JSON).body(event.formatted(UUID.randomUUID(), type, "{\"id\": 1}")).post("/events")
                .then().statusCode(202);
    }

    @Test
    void aSchemaRegisteredByAnotherInstanceIsUsedWithinSeconds() {
        String type = uniqueType();
        // What another instance's registration does in the shared database: the row, then NOTIFY.
        LakeDatabase.query("insert into schema_version (event_type, version, schema_text, fingerprint, created_by) "
                + "values (?, 1, ?, 'other-instance', 'other') returning version", type, V1);
        LakeDatabase.query("select pg_notify('eventlake_schema_changes', ?)", type);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> given().contentType(ContentType.JSON).body("{\"id\": \"x\"}")
                .post("/schemas/{type}/validate", type)
                .then().statusCode(200).body("valid", equalTo(false)).body("errors.pointer", hasItems("/id")));
    }

    @Test
    void badRequestsGetTheRightProblem() {
        String type = uniqueType();
        given().contentType(ContentType.JSON).body("{not json").post("/schemas/{type}/versions", type)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].pointer", equalTo(""));
        given().contentType(ContentType.JSON).body(V1).post("/schemas/{type}/versions", "bad type!")
                .then().statusCode(400).body("errors[0].parameter", equalTo("type"));
        given().get("/schemas/{type}/versions/latest", type).then().statusCode(404).contentType("application/problem+json");
        given().get("/schemas/{type}/versions", type).then().statusCode(404);
        given().get("/schemas/{type}/versions/{v}", type, "first").then().statusCode(400).body("errors[0].parameter",
                equalTo("version"));
        given().get("/schemas/{type}/versions/{v}", type, "0").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{}").post("/schemas/{type}/validate", type).then().statusCode(404);
        register(type, V1);
        given().get("/schemas/{type}/versions/{v}", type, "9").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{}").post("/schemas/{type}/validate?version=9", type).then()
                .statusCode(404);
        given().contentType(ContentType.JSON).body("nope").post("/schemas/{type}/validate", type).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"compatibility\": \"SIDEWAYS\"}")
                .put("/schemas/{type}/compatibility", type)
                .then().statusCode(400).body("errors[0].pointer", equalTo("/compatibility"));
        given().contentType(ContentType.JSON).body("{}").put("/schemas/{type}/compatibility", type)
                .then().statusCode(400).body("errors[0].pointer", equalTo("/compatibility"));
    }

    static void register(String type, String schema) {
        given().contentType(ContentType.JSON).body(schema).post("/schemas/{type}/versions", type).then().statusCode(201);
    }

    static String uniqueType() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + ".updated";
    }
}
