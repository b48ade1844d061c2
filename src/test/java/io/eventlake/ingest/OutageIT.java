package io.eventlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.eventlake.testing.EmbeddedKafkaBroker;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.PackagedService;

/**
 * Outages ridden out by the packaged service, with no restart of it: the database refusing connections for
 * longer than a minute (which stopped ingest for good before), PostgreSQL restarted, and the broker restarted. Events are
 * published
 * throughout (1% of them not JSON); afterwards every valid event is once in the lake and once on its clean topic,
 * every invalid one is one dead letter, and readiness said DOWN while ingest waited and UP after.
 */
class OutageIT {

    private static final int EVENTS = 2000;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @Test
    void theDatabaseRefusingConnectionsForSeventySecondsLosesAndRepeatsNothing() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startEphemeral();
                KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            String stream = Fixtures.uniqueStream();
            kafka.createTopic("ingest." + stream, 2);
            try (PackagedService service = PackagedService.start("outage-db", settings(broker))) {
                AtomicInteger published = new AtomicInteger();
                CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> publish(kafka, stream, published));
                await().atMost(PATIENCE).until(() -> published.get() >= EVENTS / 4);
                String database = LakeDatabase.URL.substring(LakeDatabase.URL.lastIndexOf('/') + 1);
                refuseConnections(database, true);
                try {
                    await().atMost(PATIENCE).until(() -> ingestReadiness(service).contains("\"DOWN\""));
                    HttpResponse<String> lakeRead = service.get("/events?limit=1");
                    assertThat(lakeRead.statusCode()).as("a read while the database is away").isEqualTo(503);
                    assertThat(lakeRead.headers().firstValue("Retry-After")).isPresent();
                    assertThat(lakeRead.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                    // past the minute after which the channel used to stop for good
                    Thread.sleep(70_000);
                    assertThat(ingestReadiness(service)).contains("ingest waits");
                    HttpResponse<String> wellness = service.get("/q/health/well");
                    assertThat(wellness.statusCode()).isEqualTo(503);
                    assertThat(wellness.body()).contains("the replay runner cannot look for jobs",
                            "the LISTEN connection for schema changes is down");
                } finally {
                    refuseConnections(database, false);
                }
                publishing.get();
                assertEachEventOnce(kafka, stream);
                await().atMost(PATIENCE).until(() -> service.get("/q/health/ready").statusCode() == 200);
                await().atMost(PATIENCE).until(() -> service.get("/q/health/well").statusCode() == 200);
                String log = service.log();
                // Vert.x's pool used to fail every failed query a second time, 30 s later (see LakePoolCreator).
                assertThat(log).doesNotContain("Result is already complete");
                assertThat(log.split("EL0601", -1).length - 1)
                        .as("the replay runner's failures, logged once and then once a minute").isBetween(1, 3);
                assertThat(log).contains("EL0606");
            }
        }
    }

    @Test
    void aBrokerRestartLosesAndRepeatsNothing() throws Exception {
        Path logDir = Files.createTempDirectory("eventlake-outage-kafka-");
        int port = EmbeddedKafkaBroker.freePort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, logDir, false);
        String stream = Fixtures.uniqueStream();
        try (KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            kafka.createTopic("ingest." + stream, 2);
            try (PackagedService service = PackagedService.start("outage-broker", settings(broker))) {
                AtomicInteger published = new AtomicInteger();
                CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> publish(kafka, stream, published));
                await().atMost(PATIENCE).until(() -> published.get() >= EVENTS / 4);
                broker.close();
                broker = EmbeddedKafkaBroker.start(port, logDir, false);
                publishing.get();
                assertEachEventOnce(kafka, stream);
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void aPostgresRestartLosesAndRepeatsNothingAndHealthIsRightAfterIt() throws Exception {
        Optional<String[]> restart = postgresRestartCommand();
        assumeTrue(restart.isPresent(), "restarting PostgreSQL needs pg_ctlcluster and root, as in CI");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startEphemeral();
                KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            String stream = Fixtures.uniqueStream();
            kafka.createTopic("ingest." + stream, 2);
            try (PackagedService service = PackagedService.start("outage-pg-restart", settings(broker))) {
                AtomicInteger published = new AtomicInteger();
                CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> publish(kafka, stream, published));
                await().atMost(PATIENCE).until(() -> published.get() >= EVENTS / 4);
                Process restarting = new ProcessBuilder(restart.get()).redirectErrorStream(true).start();
                assertThat(restarting.waitFor(60, TimeUnit.SECONDS)).as("PostgreSQL restarted in a minute").isTrue();
                assertThat(restarting.exitValue()).as(new String(restarting.getInputStream().readAllBytes())).isZero();
                String type = stream + ".updated";
                long storedAtRestart = LakeDatabase.count("select count(*) from lake_event where type = ?", type);
                await().atMost(PATIENCE).until(() -> LakeDatabase.count("select count(*) from lake_event where type = ?",
                        type) > storedAtRestart);
                // Ingest works again: readiness must say so within seconds and stay UP (it reported the database down
                // on the first probes after a restart, from a connection kept from before it).
                await().atMost(Duration.ofSeconds(10)).until(() -> service.get("/q/health/ready").statusCode() == 200);
                await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6))
                        .until(() -> service.get("/q/health/ready").statusCode() == 200);
                publishing.get();
                assertEachEventOnce(kafka, stream);
                assertThat(service.get("/q/health/ready").statusCode()).isEqualTo(200);
                assertThat(service.log()).doesNotContain("Result is already complete");
            }
        }
    }

    /** {@code pg_ctlcluster <version> main restart} when this machine's PostgreSQL can be restarted from here. */
    private static Optional<String[]> postgresRestartCommand() {
        Path clusters = Path.of("/etc/postgresql");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !Files.isDirectory(clusters)) {
            return Optional.empty();
        }
        try (var versions = Files.list(clusters)) {
            return versions.map(version -> version.getFileName().toString()).sorted().reduce((a, b) -> b)
                    .map(version -> new String[] { "pg_ctlcluster", "--skip-systemctl-redirect", version, "main",
                            "restart" });
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> settings(EmbeddedKafkaBroker broker) {
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                "mp.messaging.incoming.ingest.max.poll.records", "100",
                "mp.messaging.incoming.ingest.metadata.max.age.ms", "1000");
    }

    /** EVENTS events over about ten seconds, every hundredth of them not JSON, 50 keys, versions ascending. */
    private static void publish(KafkaTestClient kafka, String stream, AtomicInteger published) {
        List<ProducerRecord<byte[], byte[]>> chunk = new ArrayList<>();
        for (int version = 0; version < EVENTS; version++) {
            String key = "Rental-" + (version % 50);
            byte[] value = version % 100 == 37 ? "{\"oops".getBytes(StandardCharsets.UTF_8)
                    : Fixtures.rental(version % 50, version).getBytes(StandardCharsets.UTF_8);
            var record = new ProducerRecord<>("ingest." + stream, key.getBytes(StandardCharsets.UTF_8), value);
            record.headers().add("event-type", (stream + ".updated").getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-id", ("e" + version).getBytes(StandardCharsets.UTF_8));
            chunk.add(record);
            if (chunk.size() == 50) {
                kafka.sendAll(chunk); // acks=all: waits out a broker restart
                published.addAndGet(chunk.size());
                chunk.clear();
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        kafka.sendAll(chunk);
        published.addAndGet(chunk.size());
    }

    private static void assertEachEventOnce(KafkaTestClient kafka, String stream) {
        int invalid = EVENTS / 100;
        int valid = EVENTS - invalid;
        String type = stream + ".updated";
        await().atMost(PATIENCE)
                .until(() -> LakeDatabase.count("select count(*) from lake_event where type = ?", type) == valid
                        && LakeDatabase.count("select count(*) from dead_letter where source_topic = ?",
                                "ingest." + stream) == invalid);
        List<ConsumerRecord<byte[], byte[]>> forwarded = kafka.readAll("clean." + stream, valid, Duration.ofSeconds(3),
                PATIENCE);
        Set<String> ids = new HashSet<>();
        forwarded.forEach(record -> ids.add(IngestPipelineTest.header(record, "ce_id")));
        assertThat(LakeDatabase.count("select count(distinct event_id) from lake_event where type = ?", type))
                .isEqualTo(valid);
        assertThat(ids).as("every valid event forwarded").hasSize(valid);
        assertThat(forwarded).as("each once on the clean topic").hasSize(valid);
    }

    /** The ingest check of the service's readiness, as its JSON text. */
    private static String ingestReadiness(PackagedService service) throws Exception {
        return service.get("/q/health/ready").body();
    }

    /**
     * A real refusal: PostgreSQL stops accepting connections to the database and ends the open ones (run from
     * the postgres database, as the owner of the refused one).
     */
    private static void refuseConnections(String database, boolean refuse) throws Exception {
        String url = LakeDatabase.URL.substring(0, LakeDatabase.URL.lastIndexOf('/') + 1) + "postgres";
        try (Connection connection = DriverManager.getConnection(url, LakeDatabase.USER, LakeDatabase.PASSWORD);
                var statement = connection.createStatement()) {
            statement.execute("alter database " + database + " allow_connections " + !refuse);
            if (refuse) {
                statement.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database
                        + "'");
            }
        }
    }
}
