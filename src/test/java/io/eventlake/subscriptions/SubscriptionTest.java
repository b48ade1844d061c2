package io.eventlake.subscriptions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Subscriptions with a plain KafkaConsumer as the new application ({@link SubscriberClient}): from
 * {@code earliest} when Kafka no longer holds the history, from {@code snapshot}, from a datetime and from
 * {@code latest}, each with events published after the registration; and the refusals.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class SubscriptionTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-01-01T00:00:00Z");

    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @Test
    void fromEarliestWithHistoryOlderThanTheTopicsRetentionTheConsumerGetsEveryEventOnce() throws Exception {
        String stream = stream();
        publish(stream, 0, 50);
        awaitStored(stream, 50);
        // every event forwarded (exactly once) before retention removes them from the clean topic
        assertThat(kafka.readAll("clean." + stream, 50, Duration.ofSeconds(1), PATIENCE)).hasSize(50);
        // Retention removed everything Kafka held of the clean topic.
        Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
        kafka.admin().listOffsets(partitions("clean." + stream).stream().collect(Collectors.toMap(tp -> tp,
                tp -> org.apache.kafka.clients.admin.OffsetSpec.latest()))).all().get()
                .forEach((tp, info) -> delete.put(tp, RecordsToDelete.beforeOffset(info.offset())));
        kafka.admin().deleteRecords(delete).all().get();

        JsonNode subscription = subscribe(stream, "earliest");
        assertThat(subscription.get("backfillTopic").isNull()).isFalse();
        publish(stream, 50, 70);

        List<ConsumerRecord<byte[], byte[]>> events = SubscriberClient.read(KafkaBrokerResource.bootstrapServers(),
                subscription, 70, PATIENCE);
        assertThat(ids(events)).hasSize(70).doesNotHaveDuplicates();
        versionsByKey(events).values().forEach(versions -> assertThat(versions).isSorted());
        assertThat(versionsByKey(events).values().stream().mapToInt(List::size).sum()).isEqualTo(70);
    }

    @Test
    void fromASnapshotTheConsumerEndsWithExactlyTheLatestStateOfEveryKey() throws Exception {
        String stream = stream();
        publish(stream, 0, 60);
        awaitStored(stream, 60);
        JsonNode subscription = subscribe(stream, "snapshot");
        publish(stream, 60, 80);
        awaitStored(stream, 80);

        Map<String, Integer> state = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : SubscriberClient.read(KafkaBrokerResource.bootstrapServers(), subscription,
                1, PATIENCE)) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (header(record, "ce_type").endsWith(".deleted")) {
                state.remove(key);
            } else {
                state.put(key, MAPPER.readTree(record.value()).get("version").asInt());
            }
        }
        Map<String, Integer> expected = new TreeMap<>();
        String body = given().when().get("/streams/{s}/snapshot", stream).then().statusCode(200).extract().asString();
        for (String line : body.lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode key = MAPPER.readTree(line);
            expected.put(key.get("key").asText(), key.get("data").get("version").asInt());
        }
        assertThat(expected).isNotEmpty();
        assertThat(state).isEqualTo(expected);
    }

    @Test
    void fromADatetimeTheConsumerGetsExactlyTheEventsFromThenOn() {
        String stream = stream();
        publish(stream, 0, 40);
        awaitStored(stream, 40);
        JsonNode subscription = subscribe(stream, T0.plusMinutes(20).toString());
        publish(stream, 40, 50);

        List<ConsumerRecord<byte[], byte[]>> events = SubscriberClient.read(KafkaBrokerResource.bootstrapServers(),
                subscription, 30, PATIENCE);
        assertThat(ids(events)).hasSize(30).doesNotHaveDuplicates()
                .allSatisfy(
                        id -> assertThat(Integer.parseInt(id.substring(id.lastIndexOf('-') + 1))).isGreaterThanOrEqualTo(20));
    }

    @Test
    void fromLatestOnlyNewEventsArriveAndTheListShowsTheSubscriptionWithItsLag() {
        String stream = stream();
        publish(stream, 0, 10);
        awaitStored(stream, 10);
        // the first ten forwarded (exactly once) before the group subscribes from the latest position
        assertThat(kafka.readAll("clean." + stream, 10, Duration.ofSeconds(1), PATIENCE)).hasSize(10);
        JsonNode subscription = subscribe(stream, "latest");
        assertThat(subscription.get("backfillTopic")).isNull();
        publish(stream, 10, 15);
        awaitStored(stream, 15);
        await().atMost(PATIENCE).until(() -> given().when().get("/subscriptions/{g}", subscription.get("group").asText())
                .then().extract().<Integer> path("lag") == 5);
        given().when().get("/subscriptions").then().statusCode(200).body("group", hasItems(subscription.get("group").asText()));

        List<ConsumerRecord<byte[], byte[]>> events = SubscriberClient.read(KafkaBrokerResource.bootstrapServers(),
                subscription, 5, PATIENCE);
        assertThat(ids(events)).hasSize(5).allSatisfy(id -> assertThat(id).matches(".*-1[0-4]"));
    }

    @Test
    void aGroupWithCommittedOffsetsIsRefusedUnlessTakenOverAndBadRequestsAreRefused() throws Exception {
        String stream = stream();
        publish(stream, 0, 3);
        awaitStored(stream, 3);
        String group = "busy-" + stream;
        Properties props = new Properties();
        props.put("bootstrap.servers", KafkaBrokerResource.bootstrapServers());
        props.put("group.id", group);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.commitSync(Map.of(new TopicPartition("clean." + stream, 0), new OffsetAndMetadata(1)));
        }
        given().contentType(ContentType.JSON).body(Map.of("group", group, "streams", List.of(stream), "start", "earliest"))
                .when().post("/subscriptions").then().statusCode(409).body("detail", containsString("takeOver"));
        given().contentType(ContentType.JSON).body(Map.of("group", group, "streams", List.of(stream), "start", "earliest",
                "takeOver", true)).when().post("/subscriptions").then().statusCode(201).body("group", equalTo(group))
                .body("handoverSeq", notNullValue());

        given().contentType(ContentType.JSON).body(Map.of("start", "tomorrow")).when().post("/subscriptions").then()
                .statusCode(400).body("errors.pointer", hasItems("/group", "/streams", "/start"));
        given().when().get("/subscriptions/{g}", "nobody-" + stream).then().statusCode(404);
    }

    @Test
    void aGroupNameWithABackslashOrQuoteIsRegisteredAsItIs() {
        String stream = stream();
        publish(stream, 0, 2);
        awaitStored(stream, 2);
        String group = "team\\a \"quoted\" " + stream;
        given().contentType(ContentType.JSON).body(Map.of("group", group, "streams", List.of(stream), "start", "snapshot"))
                .when().post("/subscriptions").then().statusCode(201).body("group", equalTo(group));
        given().when().get("/subscriptions/{g}", group).then().statusCode(200).body("group", equalTo(group));
    }

    @Test
    void streamsAndTopicsThatCannotBeKafkaTopicsAreRefusedBeforeAnythingIsCreated() throws Exception {
        String group = "names-" + UUID.randomUUID().toString().substring(0, 8);
        java.util.Map<String, Object> body = new java.util.HashMap<>();
        body.put("group", group);
        // "ok" named twice: its backfill would send each of its events twice.
        body.put("streams", java.util.Arrays.asList("ok", null, "a/b", "x".repeat(300), "ok"));
        body.put("topics", java.util.Arrays.asList(null, ".", "..", "has space", "__consumer_offsets"));
        body.put("start", "earliest");
        given().contentType(ContentType.JSON).body(body).when().post("/subscriptions").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer",
                        hasItems("/streams/1", "/streams/2", "/streams/3", "/streams/4", "/topics/0", "/topics/1",
                                "/topics/2", "/topics/3", "/topics/4"));
        assertThat(kafka.admin().listTopics().names().get()).noneMatch(name -> name.contains(group));
    }

    private static JsonNode subscribe(String stream, String start) {
        String body = given().contentType(ContentType.JSON).body(Map.of("group", "app-" + stream + "-" + UUID.randomUUID()
                .toString().substring(0, 4), "streams", List.of(stream), "start", start)).when().post("/subscriptions").then()
                .statusCode(201).header("Location", containsString("/subscriptions/")).extract().asString();
        try {
            return MAPPER.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stream() {
        String stream = "sub" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        kafka.createTopic("ingest." + stream, 2);
        return stream;
    }

    /** Events v in [from, to) over keys Rental-0..6; every ninth deletes its key; event time T0 + v minutes. */
    private static void publish(String stream, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int v = from; v < to; v++) {
            String kind = v % 9 == 8 ? "deleted" : "updated";
            var record = new ProducerRecord<>("ingest." + stream, ("Rental-" + (v % 7)).getBytes(StandardCharsets.UTF_8),
                    Fixtures.rental(v % 7, v).getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_type", (stream + "." + kind).getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_id", (stream + "-" + v).getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_source", "test".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_time", T0.plusMinutes(v).toString().getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        kafka.sendAll(records);
    }

    private static void awaitStored(String stream, int n) {
        await().atMost(PATIENCE)
                .until(() -> LakeDatabase.count("select count(*) from lake_event where stream = ?", stream) == n);
    }

    private static List<TopicPartition> partitions(String topic) throws Exception {
        return kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static List<String> ids(List<ConsumerRecord<byte[], byte[]>> events) {
        return events.stream().map(r -> header(r, "ce_id")).toList();
    }

    private static Map<String, List<Integer>> versionsByKey(List<ConsumerRecord<byte[], byte[]>> events) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : events) {
            String id = header(r, "ce_id");
            byKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)));
        }
        return byKey;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var header = r.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
