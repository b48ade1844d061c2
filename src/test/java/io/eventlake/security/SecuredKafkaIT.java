package io.eventlake.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.testing.EmbeddedKafkaBroker;
import io.eventlake.testing.EmbeddedKafkaBroker.SaslSslListener;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.PackagedService;
import io.eventlake.testing.TestCertificates;

/**
 * The packaged service connected only to a {@code SASL_SSL} (SCRAM-SHA-512) listener, certificates made in the
 * test, configured with the standard {@code kafka.*} keys: every Kafka client of the service (the ingest, HTTP
 * ingest and dead-letter channels, the forward and replay producers, the Admin client, the readers of topic tails
 * and record timestamps, the broker health check) goes through it.
 */
class SecuredKafkaIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String USER = "eventlake";
    private static final String PASSWORD = "scram-" + Long.toHexString(System.nanoTime());

    private static EmbeddedKafkaBroker broker;
    private static KafkaTestClient kafka;
    private static int securePort;
    private static TestCertificates certificates;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        certificates = TestCertificates.forLocalhost(Path.of("target", "secured-kafka"));
        securePort = freePort();
        broker = EmbeddedKafkaBroker.startWithSaslSsl(
                new SaslSslListener(securePort, certificates.keystore(), certificates.password()));
        // the tests' own clients use the plaintext listener; the service knows only the secured one
        kafka = new KafkaTestClient(broker.bootstrapServers());
        kafka.admin().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), PASSWORD))).all().get();
        await().atMost(Duration.ofSeconds(30)).until(() -> !kafka.admin().describeUserScramCredentials(List.of(USER))
                .all().get().isEmpty());
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
        broker.close();
    }

    private static Map<String, String> securedSettings(String password) {
        return Map.of(
                "kafka.bootstrap.servers", "localhost:" + securePort,
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + USER + "\" password=\"" + password + "\";",
                "kafka.ssl.truststore.type", "PKCS12",
                "kafka.ssl.truststore.location", certificates.truststore().toAbsolutePath().toString(),
                "kafka.ssl.truststore.password", certificates.password());
    }

    @Test
    void ingestForwardReplayAndOffsetResetRunThroughASaslSslListener() throws Exception {
        String stream = Fixtures.uniqueStream();
        String ingestTopic = "ingest." + stream;
        kafka.createTopic(ingestTopic, 1);
        try (PackagedService service = PackagedService.start("secured-kafka", securedSettings(PASSWORD))) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(ingestTopic,
                        ("Key-" + i).getBytes(StandardCharsets.UTF_8), Fixtures.rental(i, 1).getBytes(StandardCharsets.UTF_8));
                record.headers().add("event-type", (stream + ".updated").getBytes(StandardCharsets.UTF_8));
                records.add(record);
            }
            kafka.sendAll(records);

            // ingest and forward
            assertThat(kafka.readAll("clean." + stream, 20, Duration.ofSeconds(2), Duration.ofSeconds(90))).hasSize(20);
            assertThat(json(service.get("/events?type=" + stream + ".updated&limit=100").body()).get("events"))
                    .hasSize(20);

            // replay
            String target = "replayed." + stream;
            var started = service.post("/replays",
                    "{\"streams\":[\"" + stream + "\"],\"targetTopic\":\"" + target + "\"}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String job = json(started.body()).get("id").asText();
            await().atMost(Duration.ofSeconds(90)).until(
                    () -> "SUCCEEDED".equals(json(service.get("/replays/" + job).body()).get("state").asText()));
            assertThat(kafka.readAll(target, 20, Duration.ofSeconds(2), Duration.ofSeconds(60))).hasSize(20);

            // offset reset of an idle group on the clean topic
            String group = "secured-" + stream;
            TopicPartition partition = new TopicPartition("clean." + stream, 0);
            kafka.admin().alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(0))).all().get();
            var reset = service.post("/consumer-groups/" + group + "/offsets/reset",
                    "{\"strategy\":\"to-latest\",\"scope\":{\"partitions\":[{\"topic\":\"clean." + stream
                            + "\",\"partition\":0}]},\"execute\":true}");
            assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
            long end = kafka.admin().listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(partition).get().offset();
            assertThat(kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(partition).offset()).isEqualTo(end).isPositive();
        }
    }

    @Test
    void aTopicTheServiceMayNotReadMakesIngestNotReadyNamingItUntilItMayReadAgain() throws Exception {
        String stream = Fixtures.uniqueStream();
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        ResourcePattern resource = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
        List<AclBinding> acls = List.of(
                new AclBinding(resource,
                        new AccessControlEntry("User:" + USER, "*", AclOperation.READ, AclPermissionType.DENY)),
                new AclBinding(resource,
                        new AccessControlEntry("User:" + USER, "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW)));
        kafka.admin().createAcls(acls).all().get();
        try {
            Map<String, String> settings = new HashMap<>(securedSettings(PASSWORD));
            settings.put("eventlake.ingest.stall-after", "PT5S");
            settings.put("eventlake.ingest.stall-check-interval", "PT1S");
            try (PackagedService service = PackagedService.start("secured-kafka-denied", settings)) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, "Key-1".getBytes(StandardCharsets.UTF_8),
                        Fixtures.rental(1, 1).getBytes(StandardCharsets.UTF_8));
                record.headers().add("event-type", (stream + ".updated").getBytes(StandardCharsets.UTF_8));
                kafka.sendAll(List.of(record));

                await().atMost(Duration.ofSeconds(90)).until(() -> service.get("/q/health/ready").statusCode() == 503);
                String readiness = service.get("/q/health/ready").body();
                assertThat(readiness).contains(topic + "-0", "TopicAuthorizationException",
                        "grant the service's principal READ");
                assertThat(service.metric("eventlake_ingest_stalled_partitions")).isEqualTo(1.0);
                assertThat(service.log()).contains("EL0007 ingest cannot read " + topic + "-0");

                kafka.admin().deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all().get();
                await().atMost(Duration.ofSeconds(120)).until(() -> service.get("/q/health/ready").statusCode() == 200);
                assertThat(json(service.get("/events?type=" + stream + ".updated").body()).get("events")).hasSize(1);
                assertThat(service.log()).contains("EL0008 ingest reads " + topic + "-0 again");
            }
        } finally {
            kafka.admin().deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all().get();
        }
    }

    private static JsonNode json(String body) throws Exception {
        return MAPPER.readTree(body);
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
