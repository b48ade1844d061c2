package io.eventlake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.HostileValues;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.SignedInAsAdmin;
import io.eventlake.testing.TestIdentity;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Malformed requests against every operation of the service's own OpenAPI document, with a fixed seed: wrong
 * types, missing and extra fields, huge numbers, negative or zero limits, very long strings, unicode and control
 * characters, bad cursors, durations and datetimes, names with {@code /}, {@code ..}, {@code \} and NUL, bodies
 * that are not JSON and media types that are not accepted. Every answer must be below 500, and every error a
 * problem+json whose status is the response's; afterwards the service is ready and ingest still stores events.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class ApiFuzzTest extends SignedInAsAdmin {

    private static final long SEED = Long.getLong("fuzz.seed", 20261202L);
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 10_000);
    /** What fits the HTTP layer's 4,096-byte request line with the method and protocol around it. */
    private static final int MAX_REQUEST_TARGET = 4000;
    private static final String FUZZ_TOPIC = "fuzz-offsets";
    private static final String FUZZ_GROUP = "fuzz-group";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final HostileValues hostile = new HostileValues(SEED);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** One operation of the OpenAPI document. */
    record Operation(String method, String path, List<JsonNode> parameters, String mediaType, JsonNode bodySchema) {
        String name() {
            return method + " " + path;
        }
    }

    @Test
    void noMalformedRequestGetsA5xxOrAnErrorThatIsNotProblemJson() throws Exception {
        JsonNode openApi = MAPPER.readTree(given().accept("application/json").get("/q/openapi?format=json").asString());
        List<Operation> operations = operations(openApi);
        assertThat(operations).as("operations in the OpenAPI document").hasSizeGreaterThan(25);

        KafkaTestClient kafka = KafkaBrokerResource.client();
        kafka.createTopic(FUZZ_TOPIC, 2);
        kafka.admin().alterConsumerGroupOffsets(FUZZ_GROUP, Map.of(new TopicPartition(FUZZ_TOPIC, 0),
                new OffsetAndMetadata(0), new TopicPartition(FUZZ_TOPIC, 1), new OffsetAndMetadata(0))).all().get();
        hostile.know(existingNames());
        Map<String, Integer> sent = new TreeMap<>();
        Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
        Map<String, Long> millis = new TreeMap<>();
        Set<String> failures = new LinkedHashSet<>();
        String token = TestIdentity.token("admin");
        long started = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            Operation operation = operations.get(i % operations.size());
            HttpRequest request = malformed(operation, openApi, token);
            sent.merge(operation.name(), 1, Integer::sum);
            HttpResponse<String> response;
            long sentAt = System.nanoTime();
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
                millis.merge(operation.name(), (System.nanoTime() - sentAt) / 1_000_000, Long::sum);
            } catch (java.io.IOException e) {
                failures.add(operation.name() + " → no answer: " + e + "\n      request: " + request.method() + " "
                        + abbreviate(request.uri().toString()) + " body " + abbreviate(String.valueOf(bodies.get(request))));
                continue;
            }
            statuses.computeIfAbsent(operation.name(), k -> new TreeMap<>()).merge(response.statusCode(), 1, Integer::sum);
            String problem = judge(response);
            if (problem != null && failures.size() < 40) {
                failures.add(operation.name() + " → " + response.statusCode() + " " + problem + "\n      request: "
                        + request.method() + " " + abbreviate(request.uri().toString()) + " body "
                        + abbreviate(String.valueOf(bodies.get(request))) + "\n      answer: "
                        + abbreviate(response.body()));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("API fuzz (seed %d): %d requests over %d operations in %.1f s%n", SEED, REQUESTS,
                operations.size(), seconds);
        sent.forEach((name, count) -> System.out.printf("  %-50s %5d requests %7d ms  %s%n", name, count,
                millis.getOrDefault(name, 0L), statuses.get(name)));

        assertThat(failures).as("answers that broke the contract (first 40)").isEmpty();
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        ingestStillMoves();
    }

    @Test
    void aRequestLineLongerThanTheHttpLayerTakesIsRefusedBeforeTheServiceAndNothingBreaks() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + io.restassured.RestAssured.port + "/events/" + "x".repeat(5000))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(414);
        given().get("/q/health/ready").then().statusCode(200);
    }

    /** Names of things the earlier tests left in the service: groups, streams, schema types, job ids. */
    private static List<String> existingNames() {
        List<String> names = new ArrayList<>();
        names.addAll(given().get("/consumer-groups").then().statusCode(200).extract().jsonPath().getList("groupId"));
        names.addAll(given().get("/streams").then().statusCode(200).extract().jsonPath().getList("streams.stream"));
        names.addAll(given().get("/schemas").then().statusCode(200).extract().jsonPath().getList("type"));
        given().get("/replays").then().statusCode(200).extract().jsonPath().getList("id").forEach(id -> names.add(
                String.valueOf(id)));
        given().get("/dead-letters").then().statusCode(200).extract().jsonPath().getList("deadLetters.id").forEach(
                id -> names.add(String.valueOf(id)));
        // a group with committed offsets and no members, which resets and copies act on
        names.add(FUZZ_GROUP);
        names.add(FUZZ_TOPIC);
        return names.stream().filter(java.util.Objects::nonNull).distinct().toList();
    }

    /** null when the answer keeps the contract, else what is wrong with it. */
    private static String judge(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 500) {
            return "a server error";
        }
        if (status < 400) {
            return null;
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/problem+json")) {
            return "an error that is not problem+json (" + type + ")";
        }
        try {
            JsonNode body = MAPPER.readTree(response.body());
            if (body.path("status").asInt() != status || !body.path("title").isTextual()) {
                return "a problem whose status or title does not match";
            }
        } catch (Exception e) {
            return "a problem body that is not JSON";
        }
        return null;
    }

    private void ingestStillMoves() {
        String stream = Fixtures.uniqueStream();
        String id = UUID.randomUUID().toString();
        given().contentType(ContentType.JSON).body("""
                {"specversion":"1.0","id":"%s","source":"/fuzz","type":"%s.updated","subject":"k1","data":{"n":1}}"""
                .formatted(id, stream)).post("/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(
                () -> given().get("/events/{id}", id).then().statusCode(200).body("stream", equalTo(stream)));
    }

    // --- the operations ------------------------------------------------------------------------------------

    private static List<Operation> operations(JsonNode openApi) {
        List<Operation> operations = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = openApi.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (path.getKey().startsWith("/q/")) {
                continue;
            }
            Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
            while (methods.hasNext()) {
                Map.Entry<String, JsonNode> method = methods.next();
                JsonNode op = method.getValue();
                List<JsonNode> parameters = new ArrayList<>();
                path.getValue().path("parameters").forEach(parameters::add);
                op.path("parameters").forEach(parameters::add);
                String mediaType = null;
                JsonNode schema = null;
                Iterator<Map.Entry<String, JsonNode>> content = op.path("requestBody").path("content").fields();
                if (content.hasNext()) {
                    Map.Entry<String, JsonNode> first = content.next();
                    mediaType = first.getKey();
                    schema = first.getValue().path("schema");
                }
                operations.add(new Operation(method.getKey().toUpperCase(), path.getKey(), parameters, mediaType, schema));
            }
        }
        return operations;
    }

    // --- malformed requests ----------------------------------------------------------------------------------

    private final Map<HttpRequest, String> bodies = new java.util.WeakHashMap<>();

    private HttpRequest malformed(Operation operation, JsonNode openApi, String token) {
        // Names and parameters as long as the HTTP layer takes (its request line is capped at 4 KB: longer ones
        // get its 414 before the service sees them, checked on its own below).
        String target = null;
        for (int maxLength = 20_000; target == null || target.length() > MAX_REQUEST_TARGET; maxLength /= 4) {
            target = target(operation, maxLength);
        }
        HttpRequest.Builder request = HttpRequest
                .newBuilder(URI.create("http://localhost:" + io.restassured.RestAssured.port + target))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
        String body = null;
        if (operation.mediaType() != null || !"GET".equals(operation.method())) {
            body = body(operation, openApi);
            String mediaType = operation.mediaType() == null ? "application/json" : operation.mediaType();
            if (hostile.random().nextInt(10) == 0) {
                mediaType = hostile.pick(List.of("text/plain", "application/xml", "application/json; charset=latin1",
                        "multipart/form-data; boundary=x", "application/json"));
            }
            request.header("Content-Type", mediaType);
            request.method(operation.method(), HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            request.method(operation.method(), HttpRequest.BodyPublishers.noBody());
        }
        HttpRequest built = request.build();
        bodies.put(built, body);
        return built;
    }

    /** The path with its parameters filled in, and a query, with hostile values of at most {@code maxLength}. */
    private String target(Operation operation, int maxLength) {
        String path = operation.path();
        StringBuilder query = new StringBuilder();
        for (JsonNode parameter : operation.parameters()) {
            String name = parameter.path("name").asText();
            switch (parameter.path("in").asText()) {
                case "path" -> path = path.replace("{" + name + "}", encode(cut(hostile.string(), maxLength)));
                case "query" -> {
                    if (hostile.random().nextBoolean()) {
                        String value = cut(hostile.string(), maxLength);
                        if ("follow".equals(name) && "true".equalsIgnoreCase(value)) {
                            value = "false"; // a following stream never ends, by design
                        }
                        query.append(query.isEmpty() ? "?" : "&").append(encode(name)).append('=').append(encode(value));
                    }
                }
                default -> {
                }
            }
        }
        if (hostile.random().nextInt(8) == 0) {
            query.append(query.isEmpty() ? "?" : "&").append(encode(cut(hostile.string(), maxLength))).append('=')
                    .append(encode(cut(hostile.string(), maxLength)));
        }
        return path + query;
    }

    private static String cut(String value, int maxLength) {
        return value.length() <= maxLength ? value : value.substring(0, maxLength);
    }

    private String body(Operation operation, JsonNode openApi) {
        return switch (hostile.random().nextInt(6)) {
            case 0 -> hostile.brokenJson();
            case 1 -> hostile.json(hostile.anyValue(0));
            default -> hostile.json(shaped(resolve(operation.bodySchema(), openApi), openApi, 0));
        };
    }

    /** A value shaped like the schema, with fields missing, of wrong types, null, extra, or out of range. */
    private JsonNode shaped(JsonNode schema, JsonNode openApi, int depth) {
        if (schema == null || schema.isMissingNode() || depth > 4 || hostile.random().nextInt(6) == 0) {
            return hostile.anyValue(depth);
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                ObjectNode object = JSON.objectNode();
                Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
                while (properties.hasNext()) {
                    Map.Entry<String, JsonNode> property = properties.next();
                    if (hostile.random().nextInt(3) > 0) {
                        object.set(property.getKey(), shaped(resolve(property.getValue(), openApi), openApi, depth + 1));
                    }
                }
                if (hostile.random().nextInt(4) == 0) {
                    object.set(hostile.string(), hostile.anyValue(depth + 1));
                }
                return object;
            }
            case "array" -> {
                ArrayNode array = JSON.arrayNode();
                int size = hostile.random().nextInt(4);
                for (int i = 0; i < size; i++) {
                    array.add(hostile.random().nextInt(5) == 0 ? JSON.nullNode()
                            : shaped(resolve(schema.path("items"), openApi), openApi, depth + 1));
                }
                return array;
            }
            case "integer", "number" -> {
                return JSON.numberNode(hostile.pick(List.of(0L, -1L, 1L, 3L, -5L, Long.MAX_VALUE, Long.MIN_VALUE,
                        2147483648L, 100000L)));
            }
            case "boolean" -> {
                return JSON.booleanNode(hostile.random().nextBoolean());
            }
            default -> {
                return JSON.textNode(hostile.string());
            }
        }
    }

    private static JsonNode resolve(JsonNode schema, JsonNode openApi) {
        if (schema == null) {
            return null;
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            return openApi.at(ref.substring(1));
        }
        if (schema.has("allOf") && schema.get("allOf").size() == 1) {
            return resolve(schema.get("allOf").get(0), openApi);
        }
        return schema;
    }

    /** Percent-encodes every byte that is not unreserved, so that the value reaches the service as it is. */
    private static String encode(String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return encoded.toString();
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + ")";
    }
}
