package io.eventlake.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.testing.EmbeddedKafkaBroker;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.KeycloakServer;
import io.eventlake.testing.PackagedService;

/**
 * The packaged service against a real identity provider: Keycloak, with a realm, realm roles and one client
 * per caller created through its admin API, tokens got by the client-credentials grant, verified by the
 * service against the realm's JWKS with the roles read from {@code realm_access/roles}.
 */
class KeycloakIT {

    private static final String REALM = "eventlake";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final String STREAM = Fixtures.uniqueStream();
    private static final String OTHER_STREAM = Fixtures.uniqueStream();

    private static EmbeddedKafkaBroker broker;
    private static KafkaTestClient kafka;
    private static KeycloakServer keycloak;
    private static PackagedService service;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startEphemeral();
        kafka = new KafkaTestClient(broker.bootstrapServers());
        keycloak = KeycloakServer.start(Path.of("target", "it-keycloak.log"));
        keycloak.createRealm(REALM, List.of(Roles.PRODUCER, Roles.READER, Roles.OPERATOR, Roles.ADMIN));
        keycloak.createClient(REALM, "rentals-app", "producer-secret", "event-lake", List.of(Roles.PRODUCER), Map.of());
        keycloak.createClient(REALM, "reporting", "reader-secret", "event-lake", List.of(Roles.READER), Map.of());
        keycloak.createClient(REALM, "platform-ops", "operator-secret", "event-lake", List.of(Roles.OPERATOR), Map.of());
        keycloak.createClient(REALM, "partner", "partner-secret", "event-lake", List.of(Roles.READER),
                Map.of("streams", STREAM));
        keycloak.createClient(REALM, "elsewhere", "elsewhere-secret", "another-service", List.of(Roles.ADMIN), Map.of());
        service = PackagedService.start("keycloak", Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "mp.jwt.verify.publickey.location", keycloak.jwksUrl(REALM),
                "mp.jwt.verify.issuer", keycloak.issuer(REALM),
                "smallrye.jwt.path.groups", "realm_access/roles"));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
        kafka.close();
        broker.close();
    }

    @Test
    void aProducerPostsAReaderReadsAnOperatorResetsAndEachIsHeldToItsRole() throws Exception {
        String producer = keycloak.clientToken(REALM, "rentals-app", "producer-secret");
        String reader = keycloak.clientToken(REALM, "reporting", "reader-secret");
        String operator = keycloak.clientToken(REALM, "platform-ops", "operator-secret");

        String id = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        HttpResponse<String> posted = call("POST", "/events", producer, "[" + event(id, STREAM) + ","
                + event(other, OTHER_STREAM) + "]");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        // no source named: the event is posted under the client's own
        assertThat(MAPPER.readTree(posted.body()).at("/accepted/0/source").asText()).isEqualTo("eventlake/http/rentals-app");

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(call("GET", "/events/" + id, reader, null).statusCode()).isEqualTo(200));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(call("GET", "/events/" + other, reader, null).statusCode()).isEqualTo(200));
        assertThat(call("GET", "/events/" + id, producer, null).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/events", reader, event(UUID.randomUUID().toString(), STREAM)).statusCode())
                .isEqualTo(403);

        String group = "keycloak-" + UUID.randomUUID();
        String topic = "keycloak." + STREAM;
        kafka.createTopic(topic, 1);
        kafka.admin().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0)))
                .all().get();
        String reset = "{\"strategy\":\"to-latest\",\"execute\":true}";
        HttpResponse<String> refused = call("POST", "/consumer-groups/" + group + "/offsets/reset", reader, reset);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("'operator'");
        HttpResponse<String> done = call("POST", "/consumer-groups/" + group + "/offsets/reset", operator, reset);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);

        // the offset-change audit names the operator's service account, not "anonymous"
        JsonNode changes = MAPPER.readTree(call("GET", "/offset-changes?group=" + group, operator, null).body());
        assertThat(changes.toString()).contains("service-account-platform-ops").doesNotContain("anonymous");
    }

    @Test
    void aPartnerReadsOnlyItsStream() throws Exception {
        String partner = keycloak.clientToken(REALM, "partner", "partner-secret");
        String producer = keycloak.clientToken(REALM, "rentals-app", "producer-secret");
        String id = UUID.randomUUID().toString();
        assertThat(call("POST", "/events", producer, event(id, STREAM)).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(
                () -> assertThat(call("GET", "/streams/" + STREAM + "/keys/K-" + id, partner, null).statusCode())
                        .isEqualTo(200));
        HttpResponse<String> refused = call("GET", "/streams/" + OTHER_STREAM + "/snapshot", partner, null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains(OTHER_STREAM);
        JsonNode streams = MAPPER.readTree(call("GET", "/streams", partner, null).body()).get("streams");
        assertThat(streams.findValuesAsText("stream")).containsOnly(STREAM);
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        String elsewhere = keycloak.clientToken(REALM, "elsewhere", "elsewhere-secret");
        HttpResponse<String> response = call("GET", "/streams", elsewhere, null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).contains("invalid_token"));
    }

    private static String event(String id, String stream) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + stream + ".updated\",\"subject\":\"K-" + id + "\",\"data\":"
                + Fixtures.rental(1, 1) + "}";
    }

    private static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
                .header("Authorization", "Bearer " + token);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
