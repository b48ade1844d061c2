package io.eventlake.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.testing.BrokerPerClass;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.PackagedService;
import io.eventlake.testing.TestIdentity;

/**
 * A replay job interrupted by killing the packaged service mid-way, twice, is taken over by the restarted
 * service from its checkpoint each time and finishes with every event on the target exactly once, in order per key.
 */
class ReplayRestartIT {

    private static final int EVENTS = 6000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final BrokerPerClass broker = new BrokerPerClass();

    @Test
    void aJobInterruptedByARestartFinishesWithNoEventMissingOrDoubled() throws Exception {
        String stream = "rr" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String topic = "ingest." + stream;
        String target = "replay." + stream;
        broker.client().createTopic(topic, 2);
        Map<String, String> settings = Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                "mp.messaging.incoming.ingest.metadata.max.age.ms", "1000",
                "eventlake.replay.lease", "PT3S");

        PackagedService service = PackagedService.start("replay-1", settings);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int v = 0; v < EVENTS; v++) {
            var record = new ProducerRecord<>(topic, ("Rental-" + (v % 40)).getBytes(StandardCharsets.UTF_8),
                    Fixtures.rental(v % 40, v).getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-type", (stream + ".updated").getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        broker.client().sendAll(records);
        await().atMost(Duration.ofSeconds(120)).until(() -> LakeDatabase.count(
                "select count(*) from lake_event where stream = ?", stream) == EVENTS);

        // 1,000 events/s: about six seconds of sending; killed after the first steps, and the instance that took
        // the job over killed in turn once it recorded a step of its own (a takeover of a takeover: the records the
        // first instance sent beyond its checkpoint must still be found).
        JsonNode job = post(service, "/replays", Map.of("streams", List.of(stream), "targetTopic", target,
                "eventsPerSecond", 1000));
        long id = job.get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> get(service, "/replays/" + id).get("sent").asLong() >= 1000);
        service.kill();
        long sentAtKill = LakeDatabase.count("select sent from replay_job where id = ?", id);
        assertThat(sentAtKill).isLessThan(EVENTS);

        PackagedService second = PackagedService.start("replay-2", settings);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> get(second, "/replays/" + id).get("sent").asLong() >= sentAtKill + 1000);
        } finally {
            second.kill();
        }
        long sentAtSecondKill = LakeDatabase.count("select sent from replay_job where id = ?", id);
        assertThat(sentAtSecondKill).isLessThan(EVENTS);

        PackagedService restarted = PackagedService.start("replay-3", settings);
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> "SUCCEEDED".equals(get(restarted, "/replays/" + id)
                    .get("state").asText()));
            List<ConsumerRecord<byte[], byte[]>> replayed = broker.client().readAll(target, EVENTS, Duration.ofSeconds(3),
                    Duration.ofSeconds(60));
            Set<Long> seqs = new HashSet<>();
            Map<String, List<Integer>> versionsByKey = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : replayed) {
                seqs.add(Long.parseLong(new String(r.headers().lastHeader("eventlake-seq").value(), StandardCharsets.UTF_8)));
                versionsByKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(MAPPER.readTree(r.value()).get("version").asInt());
            }
            assertThat(replayed).as("records on the target").hasSize(EVENTS);
            assertThat(seqs).as("distinct events").hasSize(EVENTS);
            versionsByKey.values().forEach(versions -> assertThat(versions).isSorted());
            assertThat(get(restarted, "/replays/" + id).get("sent").asLong()).isEqualTo(EVENTS);
        } finally {
            restarted.close();
        }
    }

    private static JsonNode get(PackagedService service, String path) throws Exception {
        return MAPPER.readTree(service.get(path).body());
    }

    private static JsonNode post(PackagedService service, String path, Object body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + service.port() + path)).header("Content-Type", "application/json")
                .header("Authorization", TestIdentity.bearer("operator"))
                .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return MAPPER.readTree(response.body());
    }
}
