package io.eventlake.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.TestIdentity;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every operation of the service's own OpenAPI document, called as anonymous, with each role, with tokens that
 * must not verify (wrong issuer, wrong audience, expired, signed by a stranger) and with a partner's token for
 * another stream, each against the status this one table expects. An operation added later and missing from
 * the table fails {@link #everyOperationIsInTheTable()}.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class AccessMatrixTest {

    /** Who may call what: the role each operation needs (admin holds every role). */
    private static final Map<String, String> ROLE = new LinkedHashMap<>();

    /**
     * Operations that name a stream (or a type, hence a stream), or span every stream: refused to a partner of another stream.
     */
    private static final Set<String> STREAM_BOUND = new TreeSet<>();

    static {
        need("POST /events", Roles.PRODUCER, false);
        need("GET /events", Roles.READER, false);
        need("GET /events/{id}", Roles.READER, false);
        need("GET /streams", Roles.READER, false);
        need("GET /streams/{stream}/keys/{key}", Roles.READER, true);
        need("GET /streams/{stream}/events", Roles.READER, true);
        need("GET /streams/{stream}/snapshot", Roles.READER, true);
        need("GET /schemas", Roles.READER, false);
        need("POST /schemas/{type}/versions", Roles.ADMIN, true);
        need("GET /schemas/{type}/versions", Roles.READER, true);
        need("GET /schemas/{type}/versions/{version}", Roles.READER, true);
        need("GET /schemas/{type}/compatibility", Roles.READER, true);
        need("PUT /schemas/{type}/compatibility", Roles.ADMIN, true);
        need("POST /schemas/{type}/validate", Roles.READER, true);
        need("POST /compactions", Roles.ADMIN, true);
        need("GET /compactions", Roles.ADMIN, false);
        need("GET /compactions/{id}", Roles.ADMIN, false);
        need("GET /consumer-groups", Roles.OPERATOR, true);
        need("GET /consumer-groups/{group}", Roles.OPERATOR, true);
        need("POST /consumer-groups/{group}/offsets/reset", Roles.OPERATOR, true);
        need("POST /consumer-groups/{group}/offsets/copy", Roles.OPERATOR, true);
        need("GET /offset-changes", Roles.OPERATOR, true);
        need("POST /replays", Roles.OPERATOR, true);
        need("GET /replays", Roles.OPERATOR, false);
        need("GET /replays/{id}", Roles.OPERATOR, false);
        need("DELETE /replays/{id}", Roles.OPERATOR, false);
        need("GET /dead-letters", Roles.OPERATOR, true);
        need("GET /dead-letters/{id}", Roles.OPERATOR, true);
        need("POST /dead-letters/{id}/redrive", Roles.OPERATOR, true);
        need("POST /dead-letters/redrive", Roles.OPERATOR, true);
        need("POST /dead-letters/{id}/discard", Roles.OPERATOR, true);
        need("POST /subscriptions", Roles.OPERATOR, true);
        need("GET /subscriptions", Roles.OPERATOR, false);
        need("GET /subscriptions/{group}", Roles.OPERATOR, false);
        need("GET /audit", Roles.ADMIN, false);
    }

    private static final List<String> ALL_ROLES = List.of(Roles.PRODUCER, Roles.READER, Roles.OPERATOR, Roles.ADMIN,
            Roles.METRICS);

    /** A stream no other test uses, so that nothing an allowed call does touches another test's data. */
    private static final String STREAM = "matrix" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    /** Ids that no job, run or dead letter has. */
    private static final String MISSING_ID = "9223372036854775000";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static List<String> operations;

    private static void need(String operation, String role, boolean streamBound) {
        ROLE.put(operation, role);
        if (streamBound) {
            STREAM_BOUND.add(operation);
        }
    }

    @Test
    void everyOperationIsInTheTable() throws Exception {
        assertThat(operations()).containsExactlyInAnyOrderElementsOf(ROLE.keySet());
    }

    @Test
    void anonymousCallsAreRefusedWithABearerChallenge() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String operation : operations()) {
            HttpResponse<String> response = call(operation, null);
            if (response.statusCode() != 401
                    || !response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer")
                    || !response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                wrong.add(operation + " → " + response.statusCode() + " " + response.headers().map() + " " + response.body());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void tokensThatDoNotVerifyAreRefused() throws Exception {
        Map<String, String> tokens = Map.of(
                "wrong issuer", TestIdentity.builder().roles(Roles.ADMIN).issuer("https://elsewhere.example/realms/x").sign(),
                "wrong audience", TestIdentity.builder().roles(Roles.ADMIN).audience("another-service").sign(),
                "expired", TestIdentity.builder().roles(Roles.ADMIN).expiresAt(Instant.now().minus(Duration.ofHours(1)))
                        .sign(),
                "signed by a stranger", TestIdentity.builder().roles(Roles.ADMIN).signedByStranger().sign(),
                "not a JWT", "not-a-token");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            for (String operation : operations()) {
                HttpResponse<String> response = call(operation, token.getValue());
                if (response.statusCode() != 401 || !response.headers().firstValue("WWW-Authenticate").orElse("")
                        .contains("invalid_token")) {
                    wrong.add(token.getKey() + ": " + operation + " → " + response.statusCode() + " " + response.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void eachRoleReachesExactlyItsOperations() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String role : ALL_ROLES) {
            String token = TestIdentity.token(role);
            for (String operation : operations()) {
                String needed = ROLE.get(operation);
                boolean allowed = role.equals(needed) || role.equals(Roles.ADMIN);
                HttpResponse<String> response = call(operation, token);
                int status = response.statusCode();
                if (allowed && (status == 401 || status == 403 || status >= 500)) {
                    wrong.add(role + " should reach " + operation + " but got " + status + " " + response.body());
                } else if (!allowed && (status != 403 || !response.body().contains("'" + needed + "'")
                        || !response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"))) {
                    wrong.add(role + " should be refused " + operation + " naming '" + needed + "' but got " + status + " "
                            + response.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aPartnerTokenForAnotherStreamIsRefusedWhateverNamesThisOne() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String operation : operations()) {
            String token = TestIdentity.builder().roles(ROLE.get(operation)).streams("another-stream").sign();
            HttpResponse<String> response = call(operation, token);
            int status = response.statusCode();
            if (STREAM_BOUND.contains(operation) && status != 403) {
                wrong.add("partner should be refused " + operation + " but got " + status + " " + response.body());
            } else if (!STREAM_BOUND.contains(operation) && (status == 401 || status == 403 || status >= 500)) {
                wrong.add("partner should reach " + operation + " but got " + status + " " + response.body());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void metricsNeedTheMetricsRole() throws Exception {
        assertThat(get("/q/metrics", null).statusCode()).isEqualTo(401);
        assertThat(get("/q/metrics", TestIdentity.token(Roles.READER)).statusCode()).isEqualTo(403);
        assertThat(get("/q/metrics", TestIdentity.token(Roles.METRICS)).statusCode()).isEqualTo(200);
        assertThat(get("/q/metrics", TestIdentity.token(Roles.ADMIN)).statusCode()).isEqualTo(200);
    }

    @Test
    void healthStaysOpen() throws Exception {
        assertThat(get("/q/health/live", null).statusCode()).isEqualTo(200);
        assertThat(get("/q/health/live", "not-a-token").statusCode()).isEqualTo(200);
    }

    /** "METHOD /path" of every operation in the service's OpenAPI document. */
    private List<String> operations() throws Exception {
        if (operations == null) {
            JsonNode document = MAPPER.readTree(get("/q/openapi?format=json", null).body());
            List<String> found = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
            while (paths.hasNext()) {
                Map.Entry<String, JsonNode> path = paths.next();
                Iterator<String> methods = path.getValue().fieldNames();
                while (methods.hasNext()) {
                    String method = methods.next();
                    if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                        found.add(method.toUpperCase() + " " + path.getKey());
                    }
                }
            }
            operations = found;
        }
        return operations;
    }

    private HttpResponse<String> call(String operation, String token) throws Exception {
        String method = operation.substring(0, operation.indexOf(' '));
        String path = operation.substring(operation.indexOf(' ') + 1)
                .replace("{stream}", STREAM).replace("{type}", STREAM + ".updated").replace("{key}", "Key-1")
                .replace("{id}", MISSING_ID).replace("{group}", STREAM + "-group").replace("{version}", "1");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (method.equals("GET") || method.equals("DELETE")) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body(operation)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A body an allowed caller gets an answer for without changing anything another test relies on. */
    private static String body(String operation) {
        return switch (operation) {
            case "POST /replays", "POST /subscriptions" -> "{\"streams\":[\"" + STREAM + "\"]}";
            case "POST /compactions" -> "{\"stream\":\"" + STREAM + "\"}";
            case "POST /events" -> "{\"type\":\"" + STREAM + ".updated\"}";
            case "POST /schemas/{type}/versions" -> "{\"type\":\"object\"}";
            default -> "{}";
        };
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
