package io.eventlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

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

/**
 * Two instances of the packaged service on one broker and one database. They share the ingest partitions (each
 * stores part of a live stream); one of them, the one running a replay job, is killed with {@code kill -9} while
 * ingest and the replay are under way; the other takes over its partitions and, once the job's lease ran out, the
 * job: every event is once in the lake, once on its clean topic (in order per key), once on the replay's target.
 */
class TwoInstancesIT {

    private static final int LIVE_EVENTS = 8000;
    private static final int KEYS = 80;
    private static final int HISTORY_EVENTS = 3000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final BrokerPerClass broker = new BrokerPerClass();

    @Test
    void twoInstancesShareTheWorkAndTheSurvivorOfAKillFinishesItWithEveryEventOnce() throws Exception {
        String live = IngestPipelineTest.uniqueStream();
        String history = IngestPipelineTest.uniqueStream();
        String replayTarget = "replay." + history;
        broker.client().createTopic("ingest." + live, 4);
        broker.client().createTopic("ingest." + history, 2);
        Map<String, String> settings = Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                // small batches, so that the kill lands between many of them
                "mp.messaging.incoming.ingest.max.poll.records", "100",
                "mp.messaging.incoming.ingest.metadata.max.age.ms", "1000",
                "eventlake.replay.lease", "PT3S");
        List<PackagedService> instances = new ArrayList<>(List.of(PackagedService.start("two-a", settings),
                PackagedService.start("two-b", settings)));
        PackagedService survivor = null;
        try {
            broker.client().sendAll(records("ingest." + history, history, HISTORY_EVENTS, 40));
            await().atMost(Duration.ofSeconds(60)).until(() -> countOf(history) == HISTORY_EVENTS);

            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> publishSteadily(live));
            // Both instances store part of the live stream: the group shares its partitions.
            String stored = "eventlake_events_ingested_total{outcome=\"stored\",stream=\"" + live + "\"}";
            await().atMost(Duration.ofSeconds(60)).until(() -> instances.stream().allMatch(i -> i.metric(stored) > 0));

            // 500 events/s: about six seconds of sending; which instance runs it is up to the database.
            HttpResponse<String> started = instances.get(0).post("/replays", MAPPER.writeValueAsString(Map.of(
                    "streams", List.of(history), "targetTopic", replayTarget, "eventsPerSecond", 500)));
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            long job = MAPPER.readTree(started.body()).get("id").asLong();
            PackagedService runner = await().atMost(Duration.ofSeconds(30))
                    .until(() -> instances.stream().filter(i -> runs(i, job)).findFirst().orElse(null), i -> i != null);
            await().atMost(Duration.ofSeconds(30)).until(() -> sentBy(job) >= 300);

            runner.kill();
            long liveAtKill = countOf(live);
            long sentAtKill = sentBy(job);
            instances.remove(runner);
            survivor = instances.get(0);
            assertThat(liveAtKill).as("killed mid-ingest").isLessThan(LIVE_EVENTS);
            assertThat(sentAtKill).as("killed mid-replay").isLessThan(HISTORY_EVENTS);
            publishing.get();

            PackagedService taker = survivor;
            await().atMost(Duration.ofSeconds(120)).until(() -> countOf(live) == LIVE_EVENTS);
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> "SUCCEEDED".equals(get(taker, "/replays/" + job).get("state").asText()));

            assertThat(LakeDatabase.count("select count(distinct event_id) from lake_event where stream = ?", live))
                    .isEqualTo(LIVE_EVENTS);
            List<ConsumerRecord<byte[], byte[]>> forwarded = broker.client().readAll("clean." + live, LIVE_EVENTS,
                    Duration.ofSeconds(3), Duration.ofSeconds(60));
            assertThat(forwarded).as("each live event once on its clean topic").hasSize(LIVE_EVENTS);
            assertThat(distinct(forwarded, "ce_id")).hasSize(LIVE_EVENTS);
            assertInOrderPerKey(forwarded, KEYS, LIVE_EVENTS / KEYS);

            List<ConsumerRecord<byte[], byte[]>> replayed = broker.client().readAll(replayTarget, HISTORY_EVENTS,
                    Duration.ofSeconds(3), Duration.ofSeconds(60));
            assertThat(replayed).as("each history event once on the replay's target").hasSize(HISTORY_EVENTS);
            assertThat(distinct(replayed, "eventlake-seq")).hasSize(HISTORY_EVENTS);
            assertThat(get(taker, "/replays/" + job).get("sent").asLong()).isEqualTo(HISTORY_EVENTS);
        } finally {
            instances.forEach(PackagedService::close);
        }
    }

    /** The live stream at about 1,000 events/s, so that the kill lands mid-stream. */
    private static void publishSteadily(String stream) {
        List<ProducerRecord<byte[], byte[]>> all = records("ingest." + stream, stream, LIVE_EVENTS, KEYS);
        for (int from = 0; from < all.size(); from += 100) {
            broker.client().sendAll(all.subList(from, Math.min(all.size(), from + 100)));
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> records(String topic, String stream, int events, int keys) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events);
        for (int version = 0; version < events; version++) {
            int rental = version % keys;
            var record = new ProducerRecord<>(topic, ("Rental-" + rental).getBytes(StandardCharsets.UTF_8),
                    Fixtures.rental(rental, version).getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-type", (stream + ".updated").getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        return records;
    }

    /** Whether this instance's replay runner names the job as the one it runs ({@code /q/health/well}). */
    private static boolean runs(PackagedService instance, long job) {
        try {
            JsonNode checks = MAPPER.readTree(instance.get("/q/health/well").body()).get("checks");
            for (JsonNode check : checks) {
                JsonNode running = check.path("data").path("running job");
                if (!running.isMissingNode() && running.asText().contains(String.valueOf(job))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static void assertInOrderPerKey(List<ConsumerRecord<byte[], byte[]>> records, int keys, int perKey)
            throws Exception {
        Map<String, List<Integer>> versionsByKey = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            versionsByKey.computeIfAbsent(new String(record.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(MAPPER.readTree(record.value()).get("version").asInt());
        }
        assertThat(versionsByKey).hasSize(keys);
        versionsByKey.values().forEach(versions -> assertThat(versions).hasSize(perKey).isSorted());
    }

    private static Set<String> distinct(List<ConsumerRecord<byte[], byte[]>> records, String header) {
        Set<String> values = new HashSet<>();
        records.forEach(r -> values.add(new String(r.headers().lastHeader(header).value(), StandardCharsets.UTF_8)));
        return values;
    }

    private static long countOf(String stream) {
        return LakeDatabase.count("select count(*) from lake_event where stream = ?", stream);
    }

    private static long sentBy(long job) {
        return LakeDatabase.count("select sent from replay_job where id = ?", job);
    }

    private static JsonNode get(PackagedService service, String path) throws Exception {
        return MAPPER.readTree(service.get(path).body());
    }
}
