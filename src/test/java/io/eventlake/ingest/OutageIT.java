package io.eventlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * longer than a minute (which stopped ingest for good before), and the broker restarted. Events are published
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
                    // past the minute after which the channel used to stop for good
                    Thread.sleep(70_000);
                    assertThat(ingestReadiness(service)).contains("ingest waits");
                } finally {
                    refuseConnections(database, false);
                }
                publishing.get();
                assertEachEventOnce(kafka, stream);
                await().atMost(PATIENCE).until(() -> service.get("/q/health/ready").statusCode() == 200);
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
