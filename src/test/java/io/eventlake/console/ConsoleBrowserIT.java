package io.eventlake.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventlake.security.Roles;
import io.eventlake.testing.EmbeddedKafkaBroker;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.KeycloakServer;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.PackagedService;

/**
 * The console in a real browser: Debian's Chromium driven by playwright-core ({@code src/test/browser}), against
 * the packaged service, a real broker, PostgreSQL and Keycloak, signing in with the authorization code flow and
 * PKCE as a person would. Events are published all through, so the overview has a rate to show. The browser
 * steps and their assertions are in {@code console.test.mjs}; this class starts what they need and fails when
 * they fail. Screenshots go to {@code target/console-screenshots}.
 */
class ConsoleBrowserIT {

    private static final Path BROWSER_TESTS = Path.of("src", "test", "browser");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String REALM = "console";
    private static final String CLIENT = "event-lake-console";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int BULK_DEAD_LETTERS = 5;

    private static EmbeddedKafkaBroker broker;
    private static KafkaTestClient kafka;
    private static KeycloakServer keycloak;
    private static PackagedService service;

    @BeforeAll
    static void start() {
        boolean ready = Files.isDirectory(BROWSER_TESTS.resolve("node_modules").resolve("playwright-core"))
                && Files.isExecutable(CHROMIUM);
        if (!ready && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI must run the browser tests: bin/setup-browser-tests installs them");
        }
        assumeTrue(ready, "the browser tests need Chromium and playwright-core: run bin/setup-browser-tests");
        broker = EmbeddedKafkaBroker.startEphemeral();
        kafka = new KafkaTestClient(broker.bootstrapServers());
        keycloak = KeycloakServer.start(Path.of("target", "it-console-keycloak.log"));
        keycloak.createRealm(REALM, List.of(Roles.PRODUCER, Roles.READER, Roles.OPERATOR, Roles.ADMIN));
        keycloak.createUser(REALM, "olivia", "olivia-password", List.of(Roles.OPERATOR));
        keycloak.createUser(REALM, "rita", "rita-password", List.of(Roles.READER));
        keycloak.createUser(REALM, "ada", "ada-password", List.of(Roles.ADMIN));
        keycloak.createClient(REALM, "reporting", "reader-secret", "event-lake", List.of(Roles.READER), Map.of());
        keycloak.createClient(REALM, "platform-admin", "admin-secret", "event-lake", List.of(Roles.ADMIN), Map.of());
        // The single replay runner of the service must be free for the console's replay: a job an earlier
        // test's killed service left running would be taken over first.
        LakeDatabase.execute("update replay_job set state = 'CANCELLED' where state in ('PENDING', 'RUNNING')");
        service = PackagedService.start("console", Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "mp.jwt.verify.publickey.location", keycloak.jwksUrl(REALM),
                "mp.jwt.verify.issuer", keycloak.issuer(REALM),
                "smallrye.jwt.path.groups", "realm_access/roles",
                "eventlake.console.oidc-authority", keycloak.issuer(REALM),
                "eventlake.console.oidc-client-id", CLIENT,
                "eventlake.console.sample-interval", "PT1S",
                // Small, so that the console's bulk redrive of a few dead letters takes several calls.
                "eventlake.dead-letter.redrive-batch", "2"));
        // The redirect address holds the service's port, known only now.
        keycloak.createBrowserClient(REALM, CLIENT, consoleUrl() + "/console/sign-in", "event-lake");
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theConsoleSignsInAtTheIdentityProviderShowsTheLivePipelineAndOffersEachRoleOnlyItsOwnParts() throws Exception {
        String stream = Fixtures.uniqueStream();
        // A group with committed offsets and no members, for the reset wizard.
        String resetTopic = "console." + stream;
        String resetGroup = "billing-projector-" + stream;
        kafka.createTopic(resetTopic, 2);
        List<ProducerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(new ProducerRecord<>(resetTopic, i % 2, null, ("record-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        kafka.sendAll(records);
        // Two keys with a history: Villa-1 updated three times, Villa-2 created and then deleted.
        List<ProducerRecord<byte[], byte[]>> villas = new java.util.ArrayList<>();
        for (int version = 1; version <= 3; version++) {
            villas.add(typed(stream, "Villa-1", stream + ".updated", Fixtures.rental(1001, version)));
        }
        villas.add(typed(stream, "Villa-2", stream + ".updated", Fixtures.rental(1002, 1)));
        villas.add(typed(stream, "Villa-2", stream + ".deleted", "{\"id\": 1002}"));
        kafka.sendAll(villas);
        // A dead letter: a review whose rating the registered schema (v1) wants as a number.
        String admin = keycloak.clientToken(REALM, "platform-admin", "admin-secret");
        String ratedType = stream + ".rated";
        HttpResponse<String> registered = call("POST", "/schemas/" + ratedType + "/versions", admin, """
                {"type": "object", "required": ["rating"], "properties": {"rating": {"type": "integer"}}}""");
        assertThat(registered.statusCode()).as(registered.body()).isBetween(200, 201);
        ProducerRecord<byte[], byte[]> review = new ProducerRecord<>("ingest." + stream,
                "Review-1".getBytes(StandardCharsets.UTF_8),
                "{\"id\": 1, \"rating\": \"five\"}".getBytes(StandardCharsets.UTF_8));
        review.headers().add("event-type", ratedType.getBytes(StandardCharsets.UTF_8));
        kafka.send(review);
        await().atMost(Duration.ofSeconds(60)).until(() -> call("GET", "/dead-letters?type=" + ratedType, admin, null)
                .body().contains("SCHEMA_VIOLATION"));
        // Five more of another type, for the console's bulk redrive.
        String reviewedType = stream + ".reviewed";
        registered = call("POST", "/schemas/" + reviewedType + "/versions", admin, """
                {"type": "object", "required": ["rating"], "properties": {"rating": {"type": "integer"}}}""");
        assertThat(registered.statusCode()).as(registered.body()).isBetween(200, 201);
        List<ProducerRecord<byte[], byte[]>> reviews = new java.util.ArrayList<>();
        for (int i = 1; i <= BULK_DEAD_LETTERS; i++) {
            ProducerRecord<byte[], byte[]> reviewed = new ProducerRecord<>("ingest." + stream,
                    ("Review-" + i).getBytes(StandardCharsets.UTF_8),
                    ("{\"id\": " + i + ", \"rating\": \"good\"}").getBytes(StandardCharsets.UTF_8));
            reviewed.headers().add("event-type", reviewedType.getBytes(StandardCharsets.UTF_8));
            reviews.add(reviewed);
        }
        kafka.sendAll(reviews);
        await().atMost(Duration.ofSeconds(60)).until(() -> LakeDatabase.count(
                "select count(*) from dead_letter where event_type = ? and status = 'PENDING'",
                reviewedType) == BULK_DEAD_LETTERS);
        kafka.admin().alterConsumerGroupOffsets(resetGroup, Map.of(new TopicPartition(resetTopic, 0),
                new OffsetAndMetadata(7), new TopicPartition(resetTopic, 1), new OffsetAndMetadata(4))).all().get();
        AtomicLong published = new AtomicLong();
        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
        // About 20 events a second for as long as the browser runs: the overview's rate has something to show.
        producer.scheduleAtFixedRate(() -> {
            long id = published.incrementAndGet();
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("ingest." + stream, ("Rental-" + id % 10)
                    .getBytes(StandardCharsets.UTF_8), Fixtures.rental(id, id).getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-type", (stream + ".updated").getBytes(StandardCharsets.UTF_8));
            kafka.send(record);
        }, 0, 50, TimeUnit.MILLISECONDS);
        // A group with a member polling all through: the console must refuse to move it.
        String activeGroup = "live-projector-" + stream;
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread member = new Thread(() -> {
            Properties props = new Properties();
            props.put("bootstrap.servers", broker.bootstrapServers());
            props.put("group.id", activeGroup);
            props.put("key.deserializer", ByteArrayDeserializer.class.getName());
            props.put("value.deserializer", ByteArrayDeserializer.class.getName());
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                consumer.subscribe(List.of(resetTopic));
                while (polling.get()) {
                    consumer.poll(Duration.ofMillis(200));
                    consumer.commitSync();
                }
            }
        }, "console-it-member");
        member.setDaemon(true);
        member.start();
        Path output = Path.of("target", "console-browser-tests.log").toAbsolutePath();
        Path screenshots = Path.of("target", "console-screenshots").toAbsolutePath();
        try {
            ProcessBuilder browserTests = new ProcessBuilder("node", "--test", "--test-reporter=tap", "console.test.mjs")
                    .directory(BROWSER_TESTS.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
            browserTests.environment().putAll(Map.of(
                    "CONSOLE_URL", consoleUrl(),
                    "OPERATOR_USER", "olivia", "OPERATOR_PASSWORD", "olivia-password",
                    "READER_USER", "rita", "READER_PASSWORD", "rita-password",
                    "PASTED_TOKEN", keycloak.clientToken(REALM, "reporting", "reader-secret"),
                    "SCREENSHOTS", screenshots.toString(),
                    "CHROMIUM", CHROMIUM.toString()));
            browserTests.environment().put("RESET_GROUP", resetGroup);
            browserTests.environment().put("STREAM", stream);
            browserTests.environment().put("ACTIVE_GROUP", activeGroup);
            browserTests.environment().put("ADMIN_USER", "ada");
            browserTests.environment().put("ADMIN_PASSWORD", "ada-password");
            browserTests.environment().put("DEAD_LETTER_TYPE", ratedType);
            browserTests.environment().put("ADMIN_TOKEN", admin);
            browserTests.environment().put("BULK_DEAD_LETTER_TYPE", reviewedType);
            browserTests.environment().put("BULK_DEAD_LETTERS", String.valueOf(BULK_DEAD_LETTERS));
            int exit = waitFor(browserTests.start());
            String log = Files.readString(output);
            assertThat(exit).as("the browser tests (%s):%n%s", output, log).isZero();
            assertThat(log).as(log).contains("# pass 9").contains("# fail 0");
        } finally {
            producer.shutdownNow();
            polling.set(false);
            member.join(10_000);
        }
        assertThat(published.get()).isPositive();
        assertThat(screenshots.resolve("overview.png")).isNotEmptyFile();
        assertThat(screenshots.resolve("overview-reader.png")).isNotEmptyFile();
        assertThat(screenshots.resolve("consumer-group-plan.png")).isNotEmptyFile();
    }

    private static ProducerRecord<byte[], byte[]> typed(String stream, String key, String type, String json) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("ingest." + stream, key.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static HttpResponse<String> call(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(consoleUrl() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30));
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int waitFor(Process process) throws InterruptedException {
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the browser tests did not end within 5 minutes");
        }
        return process.exitValue();
    }

    private static String consoleUrl() {
        return "http://localhost:" + service.port();
    }

}
