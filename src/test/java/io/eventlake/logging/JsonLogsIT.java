package io.eventlake.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.testing.BrokerPerClass;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.PackagedService;

/**
 * The packaged service with JSON logs switched on by configuration ({@code quarkus.log.console.json.enabled=true}):
 * every line it writes is a JSON object, and the lines of an ingest batch, a replay job and a compaction run carry
 * the batch, the job id, and the stream and run id as MDC fields.
 */
class JsonLogsIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final BrokerPerClass broker = new BrokerPerClass();

    @Test
    void everyLineIsJsonAndBatchJobAndRunLinesCarryTheirFields() throws Exception {
        String stream = "jl" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String topic = "ingest." + stream;
        broker.client().createTopic(topic, 1);
        PackagedService service = PackagedService.start("json-logs", Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "mp.messaging.incoming.ingest.metadata.max.age.ms", "1000",
                "quarkus.log.console.json.enabled", "true",
                "quarkus.log.category.\"io.eventlake\".level", "DEBUG"));
        long job;
        long run;
        try {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int v = 1; v <= 3; v++) {
                var record = new ProducerRecord<>(topic, "Rental-1".getBytes(StandardCharsets.UTF_8),
                        Fixtures.rental(1, v).getBytes(StandardCharsets.UTF_8));
                record.headers().add("event-type", (stream + ".updated").getBytes(StandardCharsets.UTF_8));
                records.add(record);
            }
            broker.client().sendAll(records);
            await().atMost(PATIENCE).until(() -> LakeDatabase.count("select count(*) from lake_event where stream = ?",
                    stream) == 3);

            job = MAPPER.readTree(service.post("/replays", MAPPER.writeValueAsString(Map.of("streams", List.of(stream),
                    "targetTopic", "replay." + stream))).body()).get("id").asLong();
            await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(
                    MAPPER.readTree(service.get("/replays/" + job).body()).get("state").asText()));
            run = MAPPER.readTree(service.post("/compactions", MAPPER.writeValueAsString(Map.of("stream", stream,
                    "historyAfter", "PT1H"))).body()).get("id").asLong();
            await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(
                    MAPPER.readTree(service.get("/compactions/" + run).body()).get("state").asText()));
        } finally {
            service.close();
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : service.log().split("\n")) {
            if (!line.isBlank()) {
                lines.add(parse(line));
            }
        }
        assertThat(lines).as("the lines of the run").hasSizeGreaterThan(10);
        assertThat(lines).allSatisfy(line -> assertThat(line.path("level").asText()).isNotEmpty());

        assertThat(line(lines, "EL0602 replay " + job).path("mdc").path("job").asText()).isEqualTo(Long.toString(job));
        assertThat(line(lines, "EL0603 replay " + job).path("mdc").path("job").asText()).isEqualTo(Long.toString(job));
        for (String code : List.of("EL0503", "EL0505")) {
            JsonNode mdc = line(lines, code + " history compaction " + run).path("mdc");
            assertThat(mdc.path("stream").asText()).isEqualTo(stream);
            assertThat(mdc.path("compactionRun").asText()).isEqualTo(Long.toString(run));
        }
        Predicate<JsonNode> ourBatch = line -> line.path("message").asText().startsWith("EL0002 ")
                && line.path("mdc").path("batch").asText().matches(".*\\b" + topic + "-0@\\d+\\.\\.\\d+.*");
        assertThat(lines).as("an ingest batch of our topic, named with its offsets").anyMatch(ourBatch);
        // Fields do not leak onto lines they do not belong to: the line that says the service started has none.
        assertThat(line(lines, "started in").path("mdc").isEmpty()).isTrue();
    }

    private static JsonNode line(List<JsonNode> lines, String messageStart) {
        return lines.stream().filter(line -> line.path("message").asText().contains(messageStart)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + messageStart + "'"));
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode node = MAPPER.readTree(line);
            assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
            return node;
        } catch (JsonProcessingException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }
}
