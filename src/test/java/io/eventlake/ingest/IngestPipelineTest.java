package io.eventlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.lake.LakePartitions;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.LakeDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * The pipeline end to end against a real broker and a real PostgreSQL: plain producers publish to an
 * ingest topic, the service stores and forwards, plain consumers read the clean topic. Every test uses its
 * own topic and event type (hence its own stream and clean topic).
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class IngestPipelineTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BURST = 300;

    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @Inject
    KafkaClientService kafkaClients;

    @Inject
    MeterRegistry registry;

    @Inject
    LakePartitions partitions;

    @Test
    void thousandEventsLandOnceInTheLakeAndOnceOnTheForwardTopicInOrderPerKey() throws Exception {
        String stream = uniqueStream();
        String topic = "ingest." + stream;
        kafka.createTopic(topic, 4);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int version = 0; version < 1000; version++) {
            int rental = version % 50;
            records.add(plainJson(topic, stream + ".updated", "Rental-" + rental, Fixtures.rental(rental, version)));
        }
        kafka.sendAll(records);

        await().atMost(PATIENCE).until(() -> countOfType(stream + ".updated") == 1000);
        List<ConsumerRecord<byte[], byte[]>> forwarded = kafka.readAll("clean." + stream, 1000, Duration.ofSeconds(3),
                PATIENCE);

        assertThat(countOfType(stream + ".updated")).isEqualTo(1000);
        assertThat(LakeDatabase.count("select count(distinct event_id) from lake_event where type = ?", stream + ".updated"))
                .isEqualTo(1000);
        assertThat(forwarded).hasSize(1000);
        assertVersionsInOrderPerKey(forwarded, 50, 20);
        ConsumerRecord<byte[], byte[]> first = forwarded.get(0);
        assertThat(header(first, "ce_type")).isEqualTo(stream + ".updated");
        assertThat(header(first, "ce_subject")).isEqualTo(new String(first.key(), StandardCharsets.UTF_8));
        assertThat(header(first, "ce_id")).startsWith(topic + "/");
    }

    /**
     * Payloads are handed to PostgreSQL as UTF-8 bytes (see LakeWriteRepository): text beyond Latin-1 (accents, CJK,
     * characters outside the BMP) and escapes must come back from the lake and the clean topic as they were sent.
     */
    @Test
    void aPayloadBeyondLatin1IsStoredAndForwardedAsSent() throws Exception {
        String stream = uniqueStream();
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        kafka.createTopic(topic, 1);
        String payload = "{\"name\": \"Zoë Ångström 渋谷 🚲\", \"note\": \"tab\\there, quote \\\" and \\u00e9\", "
                + "\"tags\": [\"naïve\", \"Ελληνικά\", \"𝄞\"]}";
        kafka.sendAll(List.of(plainJson(topic, type, "Rental-1", payload)));

        await().atMost(PATIENCE).until(() -> countOfType(type) == 1);
        String stored = (String) LakeDatabase.query("select data::text as d from lake_event where type = ?", type).get(0)
                .get("d");
        assertThat(MAPPER.readTree(stored)).isEqualTo(MAPPER.readTree(payload));
        assertThat(MAPPER.readTree(stored).get("name").asText()).isEqualTo("Zoë Ångström 渋谷 🚲");
        ConsumerRecord<byte[], byte[]> forwarded = kafka.readAll("clean." + stream, 1, Duration.ofSeconds(2), PATIENCE).get(0);
        assertThat(MAPPER.readTree(forwarded.value())).isEqualTo(MAPPER.readTree(payload));
    }

    @Test
    void rewindingTheIngestGroupCreatesNoDuplicateInTheLakeOrOnTheForwardTopic() throws Exception {
        String stream = uniqueStream();
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        kafka.createTopic(topic, 2);
        List<ProducerRecord<byte[], byte[]>> records = IntStream.range(0, 200)
                .mapToObj(v -> plainJson(topic, type, "Rental-" + (v % 10), Fixtures.rental(v % 10, v))).toList();
        kafka.sendAll(records);
        await().atMost(PATIENCE).until(() -> countOfType(type) == 200);

        // Rewind the live ingest consumer to the beginning of this topic: every record is delivered again.
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        kafkaClients.getConsumer("ingest").seekToBeginning(partitions).await().atMost(Duration.ofSeconds(10));

        await().atMost(PATIENCE).until(() -> ingested(stream, "duplicate") >= 200);
        List<ConsumerRecord<byte[], byte[]>> forwarded = kafka.readAll("clean." + stream, 200, Duration.ofSeconds(3), PATIENCE);
        assertThat(ingested(stream, "duplicate")).isEqualTo(200);
        assertThat(countOfType(type)).isEqualTo(200);
        assertThat(forwarded).hasSize(200);
        assertVersionsInOrderPerKey(forwarded, 10, 20);
    }

    @Test
    void aRepeatedEventIdIsStoredAndForwardedOnce() throws Exception {
        String stream = uniqueStream();
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        var once = plainJson(topic, type, "Rental-1", Fixtures.rental(1, 1));
        String eventId = "evt-" + stream;
        once.headers().add("event-id", eventId.getBytes(StandardCharsets.UTF_8));
        // The same id again (sent with the first, so usually in the same batch), with other data: the first one counts.
        var again = plainJson(topic, type, "Rental-1", Fixtures.rental(1, 9));
        again.headers().add("event-id", eventId.getBytes(StandardCharsets.UTF_8));
        var marker = plainJson(topic, type, "Rental-2", Fixtures.rental(2, 2));
        kafka.sendAll(List.of(once, again, marker));

        await().atMost(PATIENCE).until(() -> countOfType(type) == 2);
        assertThat(kafka.readAll("clean." + stream, 2, Duration.ofSeconds(3), PATIENCE)).hasSize(2);
        assertThat(LakeDatabase.count("select count(*) from lake_event where event_id = ? and type = ?", eventId, type))
                .isEqualTo(1);
        assertThat(LakeDatabase.count("select (data->>'version')::int from lake_event where event_id = ? and type = ?",
                eventId, type)).isEqualTo(1);
    }

    @Test
    void badRecordsBecomeDeadLettersAndTheEventsBehindThemOnTheSamePartitionAreProcessed() throws Exception {
        String stream = uniqueStream();
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        kafka.createTopic(topic, 1);
        byte[] notJson = "{\"id\": 12, oops".getBytes(StandardCharsets.UTF_8);
        byte[] nulInString = "{\"name\": \"a\\u0000b\"}".getBytes(StandardCharsets.UTF_8);
        var badTime = plainJson(topic, type, "Rental-3", Fixtures.rental(3, 1));
        badTime.headers().remove("event-type");
        badTime.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        badTime.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        badTime.headers().add("ce_time", "yesterday".getBytes(StandardCharsets.UTF_8));
        var noType = new ProducerRecord<>(topic, "Rental-2".getBytes(StandardCharsets.UTF_8),
                Fixtures.rental(2, 1).getBytes(StandardCharsets.UTF_8));
        kafka.sendAll(List.of(
                plainJson(topic, type, "Rental-1", Fixtures.rental(1, 1)),
                new ProducerRecord<>(topic, 0, "Rental-1".getBytes(StandardCharsets.UTF_8), notJson,
                        List.of(new org.apache.kafka.common.header.internals.RecordHeader("event-type",
                                type.getBytes(StandardCharsets.UTF_8)))),
                plainJson(topic, type, "Rental-1", Fixtures.rental(1, 2)),
                noType,
                plainJson(topic, type, "Rental-1", Fixtures.rental(1, 3)),
                badTime,
                new ProducerRecord<>(topic, 0, "Rental-4".getBytes(StandardCharsets.UTF_8), nulInString,
                        List.of(new org.apache.kafka.common.header.internals.RecordHeader("event-type",
                                type.getBytes(StandardCharsets.UTF_8)))),
                plainJson(topic, type, "Rental-1", Fixtures.rental(1, 4))));

        await().atMost(PATIENCE).until(() -> countOfType(type) == 4
                && LakeDatabase.count("select count(*) from dead_letter where source_topic = ?", topic) == 4);

        var deadLetters = LakeDatabase.query(
                "select reason_code, reason, source_offset, payload, consumer_group, event_type, jsonb_typeof(headers) as headers_type, "
                        + "headers->0->>'name' as first_header, headers->0->>'value' as first_value "
                        + "from dead_letter where source_topic = ? order by source_offset",
                topic);
        assertThat(deadLetters).extracting(r -> r.get("reason_code"))
                .containsExactly("NOT_JSON", "MISSING_TYPE", "INVALID_ATTRIBUTE", "STORAGE_REJECTED");
        assertThat(deadLetters).extracting(r -> r.get("source_offset")).containsExactly(1L, 3L, 5L, 6L);
        assertThat((byte[]) deadLetters.get(0).get("payload")).isEqualTo(notJson);
        assertThat((byte[]) deadLetters.get(3).get("payload")).isEqualTo(nulInString);
        assertThat((String) deadLetters.get(1).get("reason")).contains("event-type");
        assertThat(deadLetters).allSatisfy(r -> assertThat(r.get("consumer_group")).isEqualTo("eventlake-ingest"));
        assertThat(deadLetters).extracting(r -> r.get("event_type")).containsExactly(type, null, type, type);
        assertThat(deadLetters).extracting(r -> r.get("headers_type")).containsOnly("array");
        assertThat(deadLetters.get(0).get("first_header")).isEqualTo("event-type");
        assertThat(deadLetters.get(0).get("first_value")).isEqualTo(type);

        var versions = LakeDatabase.query(
                "select (data->>'version')::int as v from lake_event where type = ? order by seq", type);
        assertThat(versions).extracting(r -> r.get("v")).containsExactly(1, 2, 3, 4);

        var copies = kafka.readOwn("eventlake.dead-letters", r -> topic.equals(header(r, "source_topic")), 4, PATIENCE);
        assertThat(copies).hasSize(4);
        assertThat(copies).extracting(r -> header(r, "error_code"))
                .containsExactly("NOT_JSON", "MISSING_TYPE", "INVALID_ATTRIBUTE", "STORAGE_REJECTED");
        assertThat(copies.get(0).value()).isEqualTo(notJson);
        assertThat(header(copies.get(0), "source_partition")).isEqualTo("0");
        assertThat(header(copies.get(0), "source_offset")).isEqualTo("1");
        assertThat(header(copies.get(0), "attempts")).isEqualTo("1");
        assertThat(header(copies.get(0), "error_message")).contains("not JSON");
    }

    @Test
    void anEventDatedFarAheadBecomesADeadLetterAndDoesNotSupersedeTheRealUpdatesOfItsKey() throws Exception {
        String stream = uniqueStream();
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        kafka.createTopic(topic, 1);
        kafka.sendAll(List.of(
                structured(topic, type, "Rental-1", "2099-01-01T00:00:00Z", Fixtures.rental(1, 1)),
                structured(topic, type, "Rental-1", java.time.Instant.now().toString(), Fixtures.rental(1, 2))));

        await().atMost(PATIENCE).until(() -> countOfType(type) == 1
                && LakeDatabase.count("select count(*) from dead_letter where source_topic = ?", topic) == 1);
        var deadLetter = LakeDatabase.query("select reason_code, reason, event_type from dead_letter where source_topic = ?",
                topic).get(0);
        assertThat(deadLetter.get("reason_code")).isEqualTo("TIME_IN_FUTURE");
        assertThat((String) deadLetter.get("reason")).contains("2099-01-01T00:00Z", "max-future-skew");
        assertThat(deadLetter.get("event_type")).isEqualTo(type);
        // the real update is the key's latest and was not superseded by the one from 2099
        assertThat(LakeDatabase.query("select (l.data->>'version')::int as v, l.superseded from latest_event v "
                + "join lake_event l on l.seq = v.seq where v.stream = ? and v.event_key = 'Rental-1'", stream))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("v")).isEqualTo(2);
                    assertThat(row.get("superseded")).isEqualTo(false);
                });
    }

    private static ProducerRecord<byte[], byte[]> structured(String topic, String type, String key, String time,
            String data) {
        String envelope = "{\"specversion\":\"1.0\",\"id\":\"" + java.util.UUID.randomUUID() + "\",\"source\":\"/t\","
                + "\"type\":\"" + type + "\",\"subject\":\"" + key + "\",\"time\":\"" + time + "\",\"data\":" + data + "}";
        var record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                envelope.getBytes(StandardCharsets.UTF_8));
        record.headers().add("content-type", bytes("application/cloudevents+json"));
        return record;
    }

    @Test
    void cloudEventsInBinaryAndStructuredModeKeepTheirAttributes() throws Exception {
        String stream = uniqueStream();
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        var binary = new ProducerRecord<>(topic, "Rental-7".getBytes(StandardCharsets.UTF_8),
                Fixtures.rental(7, 1).getBytes(StandardCharsets.UTF_8));
        // The lake outlives test runs: ids must be new each run, or they are rightly seen as duplicates.
        String binaryId = "b-" + stream;
        String structuredId = "s-" + stream;
        binary.headers().add("ce_specversion", bytes("1.0")).add("ce_id", bytes(binaryId))
                .add("ce_source", bytes("/booking")).add("ce_type", bytes(type))
                .add("ce_time", bytes("2025-06-12T08:00:00.123+02:00")).add("content-type", bytes("application/json"));
        String envelope = "{\"specversion\":\"1.0\",\"id\":\"" + structuredId + "\",\"source\":\"/booking\",\"type\":\"" + type
                + "\",\"subject\":\"Rental-8\",\"time\":\"2025-06-13T10:00:00Z\",\"data\":" + Fixtures.rental(8, 1) + "}";
        var structured = new ProducerRecord<>(topic, (byte[]) null, envelope.getBytes(StandardCharsets.UTF_8));
        structured.headers().add("content-type", bytes("application/cloudevents+json; charset=utf-8"));
        kafka.sendAll(List.of(binary, structured));

        await().atMost(PATIENCE).until(() -> countOfType(type) == 2);
        // Two keys: the lake keeps order per key, and these may be stored by different lanes in either order.
        var rows = LakeDatabase.query("select event_id, source, event_key, event_time, data->>'id' as rental "
                + "from lake_event where type = ? order by event_time", type);
        assertThat(rows).extracting(r -> r.get("event_id")).containsExactly(binaryId, structuredId);
        assertThat(rows).extracting(r -> r.get("source")).containsExactly("/booking", "/booking");
        assertThat(rows).extracting(r -> r.get("event_key")).containsExactly("Rental-7", "Rental-8");
        assertThat(rows).extracting(r -> r.get("rental")).containsExactly("7", "8");
        assertThat(((java.sql.Timestamp) rows.get(0).get("event_time")).toInstant())
                .isEqualTo(java.time.Instant.parse("2025-06-12T06:00:00.123Z"));
    }

    @Test
    void aTopicCreatedAfterStartIsPickedUpWithoutRestart() {
        String stream = uniqueStream();
        String type = stream + ".created";
        // The topic does not exist before this send: the producer creates it.
        kafka.send(plainJson("ingest.late-" + stream, type, "Rental-1", Fixtures.rental(1, 1)));
        await().atMost(PATIENCE).until(() -> countOfType(type) == 1);
    }

    /**
     * A new ingest topic makes the group rebalance. Were the partitions being read revoked (Kafka's eager protocol),
     * the records in flight at that moment would be acknowledged to a partition no longer held, so read and counted
     * again. Events flow on one topic until another one is picked up.
     */
    @Test
    void aTopicCreatedWhileEventsFlowMakesNoneOfThemReadTwice() throws Exception {
        String stream = uniqueStream();
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        kafka.createTopic(topic, 2);
        int sent = sendBurst(topic, type, 0);
        int first = sent;
        await().atMost(PATIENCE).until(() -> countOfType(type) == first);

        // The new topic is created by this send, and picked up at the consumer's next metadata refresh.
        String newcomer = uniqueStream();
        kafka.send(plainJson("ingest.late-" + newcomer, newcomer + ".created", "Rental-1", Fixtures.rental(1, 1)));
        while (countOfType(newcomer + ".created") == 0) {
            sent = sendBurst(topic, type, sent);
            // At most a burst not stored yet: records are in flight all along, and the end is never far.
            int stored = sent - BURST;
            await().atMost(PATIENCE).until(() -> countOfType(type) >= stored);
        }
        int total = sent;

        List<ConsumerRecord<byte[], byte[]>> forwarded = kafka.readAll("clean." + stream, total, Duration.ofSeconds(3),
                PATIENCE);
        await().atMost(PATIENCE).until(() -> ingested(stream, "stored") == total);
        assertThat(countOfType(type)).isEqualTo(total);
        assertThat(ingested(stream, "duplicate")).as("events read twice").isZero();
        assertThat(forwarded).hasSize(total);
    }

    /** Sends a burst of events of one stream over 100 keys, numbered on from {@code sent}; returns the count sent. */
    private int sendBurst(String topic, String type, int sent) {
        // The lake's partitions are made ahead of its seqs once a second, 1,000 seqs each in this profile: made
        // before each burst, so that no store fails (its retry would count a lane's stored events again).
        await().atMost(PATIENCE).until(() -> partitions.check().await().atMost(PATIENCE) != null);
        List<ProducerRecord<byte[], byte[]>> burst = new ArrayList<>();
        for (int i = 0; i < BURST; i++, sent++) {
            burst.add(plainJson(topic, type, "Rental-" + (sent % 100), Fixtures.rental(sent % 100, sent)));
        }
        kafka.sendAll(burst);
        return sent;
    }

    private static void assertVersionsInOrderPerKey(List<ConsumerRecord<byte[], byte[]>> forwarded, int keys,
            int perKey) throws Exception {
        Map<String, List<Integer>> versionsByKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : forwarded) {
            int version = MAPPER.readTree(record.value()).get("version").asInt();
            versionsByKey.computeIfAbsent(new String(record.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(version);
        }
        assertThat(versionsByKey).hasSize(keys);
        versionsByKey.values().forEach(versions -> {
            assertThat(versions).hasSize(perKey);
            assertThat(versions).isSorted();
            assertThat(Set.copyOf(versions)).hasSize(perKey);
        });
    }

    private double ingested(String stream, String outcome) {
        var counter = registry.find("eventlake.events.ingested").tag("stream", stream).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    static long countOfType(String type) {
        return LakeDatabase.count("select count(*) from lake_event where type = ?", type);
    }

    static String uniqueStream() {
        return Fixtures.uniqueStream();
    }

    static ProducerRecord<byte[], byte[]> plainJson(String topic, String type, String key, String json) {
        var record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
