package io.eventlake.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.eventlake.testing.CheckpointFault;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.LakeDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A forward whose checkpoint write fails is retried without sending its events again: with PostgreSQL refusing
 * checkpoint writes for several attempts, every event still reaches its clean topic exactly once.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class ForwardRetryTest {

    private static final int EVENTS = 50;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @Test
    void aForwardWhoseCheckpointWriteFailsIsRetriedWithoutSendingItsEventsAgain() {
        String stream = Fixtures.uniqueStream();
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 1);
        try (CheckpointFault fault = CheckpointFault.refuseCheckpointWrites()) {
            long refusedBefore = fault.refusedWrites();
            kafka.sendAll(events(topic, stream + ".updated"));
            // three attempts of the batch's checkpoint refused: each retried the forward step
            await().atMost(PATIENCE).until(() -> fault.refusedWrites() >= refusedBefore + 3);
            // meanwhile readiness says ingest waits, and why
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'Event Lake ingest' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'Event Lake ingest' }.data.error", containsString("checkpoint refused"));
        }
        await().atMost(PATIENCE).until(() -> LakeDatabase.count(
                "select coalesce(max(forwarded_offset), -1) from forward_checkpoint where topic = ?", topic) == EVENTS - 1);

        List<ConsumerRecord<byte[], byte[]>> forwarded = kafka.readAll("clean." + stream, EVENTS, Duration.ofSeconds(3),
                PATIENCE);
        Set<String> ids = new HashSet<>();
        forwarded.forEach(record -> ids.add(IngestPipelineTest.header(record, "ce_id")));
        assertThat(ids).hasSize(EVENTS);
        assertThat(forwarded).as("each event once on the clean topic, retries included").hasSize(EVENTS);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Event Lake ingest' }.status", equalTo("UP"));
    }

    private static List<ProducerRecord<byte[], byte[]>> events(String topic, String type) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            var record = new ProducerRecord<>(topic, ("Rental-" + i).getBytes(StandardCharsets.UTF_8),
                    Fixtures.rental(i, 1).getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        return records;
    }
}
