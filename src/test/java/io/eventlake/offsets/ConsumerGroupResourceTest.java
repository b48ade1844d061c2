package io.eventlake.offsets;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaConsumerGroupsTool;
import io.eventlake.testing.KafkaConsumerGroupsTool.PlanLine;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Consumer groups against the real broker, with known data: a topic of 3 partitions holding 10 records
 * each, one minute apart, the first two records of partition 0 deleted; a group committed at 4, 7 and 10.
 * Every dry-run plan is compared with the plan Kafka's own kafka-consumer-groups prints for the same group.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class ConsumerGroupResourceTest extends SignedInAsAdmin {

    private static final Instant FIRST = Instant.now().minus(Duration.ofHours(1))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private static final String TOPIC = "orders-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String GROUP = "billing-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String HALF_WAY_DURATION = "half-way";
    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @BeforeAll
    static void knownData() throws Exception {
        kafka.createTopic(TOPIC, 3);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int partition = 0; partition < 3; partition++) {
            for (int i = 0; i < 10; i++) {
                records.add(new ProducerRecord<>(TOPIC, partition, FIRST.plusSeconds(60L * i).toEpochMilli(),
                        ("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
        kafka.sendAll(records);
        kafka.admin().deleteRecords(Map.of(new TopicPartition(TOPIC, 0), RecordsToDelete.beforeOffset(2))).all().get();
        commit(GROUP, 4, 7, 10);
    }

    @Test
    void describesMembersCommittedOffsetsAndLagInRecordsAndTime() {
        given().get("/consumer-groups/{group}", GROUP).then().statusCode(200)
                .body("state", equalTo("Empty"))
                .body("members.size()", equalTo(0))
                .body("partitions.committedOffset", equalTo(List.of(4, 7, 10)))
                .body("partitions.logEndOffset", equalTo(List.of(10, 10, 10)))
                .body("partitions.lag", equalTo(List.of(6, 3, 0)))
                // from the record at the committed offset to the last one: 5, 2 and 0 minutes
                .body("partitions.lagMillis", equalTo(List.of(300_000, 120_000, 0)))
                .body("totalLag", equalTo(9));
    }

    @Test
    void listsGroupsWithTheirTotalLag() {
        given().get("/consumer-groups").then().statusCode(200)
                .body("find { it.groupId == '" + GROUP + "' }.totalLag", equalTo(9))
                .body("find { it.groupId == '" + GROUP + "' }.topics", equalTo(List.of(TOPIC)));
    }

    static List<List<String>> strategies() {
        String half = at(FIRST.plusSeconds(5 * 60 + 30));
        return List.of(
                List.of("to-earliest"),
                List.of("to-latest"),
                List.of("to-current"),
                List.of("to-datetime", half),
                List.of("to-datetime", at(FIRST.minus(Duration.ofDays(1)))),
                List.of("to-datetime", at(FIRST.plus(Duration.ofDays(1)))),
                // computed when the test runs: now minus it lands half-way between two records
                List.of("by-duration", HALF_WAY_DURATION),
                List.of("to-offset", "3"),
                List.of("to-offset", "1"),
                List.of("to-offset", "1000"),
                List.of("shift-by", "-5"),
                List.of("shift-by", "2"));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void theDryRunPlanIsTheOneKafkasToolPrints(List<String> strategy) {
        String value = strategy.size() > 1 ? strategy.get(1) : null;
        if (HALF_WAY_DURATION.equals(value)) {
            // 30 s from the records on either side: both plans are made well within that
            value = Duration.between(FIRST.plusSeconds(5 * 60 + 30), Instant.now()).toString();
        }
        List<PlanLine> ours = planLines(given().contentType(ContentType.JSON)
                .body(body(strategy.get(0), value, "{\"topics\":[\"" + TOPIC + "\"]}", false))
                .post("/consumer-groups/{group}/offsets/reset", GROUP)
                .then().statusCode(200).body("executed", equalTo(false)).extract().jsonPath());
        List<String> args = new ArrayList<>(List.of("--" + strategy.get(0)));
        if (value != null) {
            args.add(value);
        }
        args.addAll(List.of("--topic", TOPIC));
        List<PlanLine> kafkas = KafkaConsumerGroupsTool.dryRun(KafkaBrokerResource.bootstrapServers(), GROUP,
                args.toArray(String[]::new));
        assertThat(ours).as(strategy.get(0) + " " + value).containsExactlyInAnyOrderElementsOf(kafkas);
    }

    @Test
    void toCurrentKeepsACommittedOffsetOutsideTheLogLikeKafkasTool() throws Exception {
        // partition 0 starts at 2: a group committed at 1 there is outside the log, and Kafka's tool keeps it
        String group = "behind-" + UUID.randomUUID().toString().substring(0, 8);
        commit(group, 1, 7, 10);
        List<PlanLine> ours = planLines(given().contentType(ContentType.JSON)
                .body(body("to-current", null, "{\"topics\":[\"" + TOPIC + "\"]}", false))
                .post("/consumer-groups/{group}/offsets/reset", group).then().statusCode(200).extract().jsonPath());
        assertThat(ours).containsExactlyInAnyOrderElementsOf(KafkaConsumerGroupsTool.dryRun(
                KafkaBrokerResource.bootstrapServers(), group, "--to-current", "--topic", TOPIC));
        assertThat(ours).extracting(PlanLine::newOffset).containsExactly(1L, 7L, 10L);
    }

    @Test
    void aPartitionSubsetPlansOnlyThosePartitionsLikeKafkasTool() {
        List<PlanLine> ours = planLines(given().contentType(ContentType.JSON)
                .body(body("to-earliest", null, "{\"partitions\":[{\"topic\":\"" + TOPIC + "\",\"partition\":0},"
                        + "{\"topic\":\"" + TOPIC + "\",\"partition\":2}]}", false))
                .post("/consumer-groups/{group}/offsets/reset", GROUP).then().statusCode(200).extract().jsonPath());
        assertThat(ours).containsExactlyInAnyOrderElementsOf(KafkaConsumerGroupsTool.dryRun(
                KafkaBrokerResource.bootstrapServers(), GROUP, "--to-earliest", "--topic", TOPIC + ":0,2"));
        assertThat(ours).extracting(PlanLine::partition).containsExactly(0, 2);
    }

    @Test
    void withoutAScopeTheGroupsCommittedTopicsAreTakenLikeAllTopics() {
        List<PlanLine> ours = planLines(given().contentType(ContentType.JSON).body(body("to-latest", null, null, false))
                .post("/consumer-groups/{group}/offsets/reset", GROUP).then().statusCode(200).extract().jsonPath());
        assertThat(ours).containsExactlyInAnyOrderElementsOf(KafkaConsumerGroupsTool.dryRun(
                KafkaBrokerResource.bootstrapServers(), GROUP, "--to-latest", "--all-topics"));
    }

    @Test
    void anExecutedResetIsAppliedVerifiedAndAudited() throws Exception {
        String group = "reset-" + UUID.randomUUID().toString().substring(0, 8);
        commit(group, 9, 9, 9);
        given().contentType(ContentType.JSON).body(body("shift-by", "-3", null, true))
                .post("/consumer-groups/{group}/offsets/reset", group).then().statusCode(200)
                .body("executed", equalTo(true))
                .body("plan.currentOffset", equalTo(List.of(9, 9, 9)))
                .body("plan.newOffset", equalTo(List.of(6, 6, 6)));

        var committed = kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        assertThat(committed.values()).extracting(OffsetAndMetadata::offset).containsOnly(6L);
        given().queryParam("group", group).get("/offset-changes").then().statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].operation", equalTo("reset"))
                .body("[0].strategy", equalTo("shift-by"))
                .body("[0].value", equalTo("-3"))
                .body("[0].requestedBy", equalTo("test-user"))
                .body("[0].plan.newOffset", equalTo(List.of(6, 6, 6)));
    }

    @Test
    void aDryRunChangesNothing() throws Exception {
        given().contentType(ContentType.JSON).body(body("to-earliest", null, null, false))
                .post("/consumer-groups/{group}/offsets/reset", GROUP).then().statusCode(200);
        var committed = kafka.admin().listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
        assertThat(committed.get(new TopicPartition(TOPIC, 0)).offset()).isEqualTo(4);
    }

    @Test
    void aGroupWithActiveMembersIsRefusedAndItsMembersListed() throws Exception {
        String group = "live-" + UUID.randomUUID().toString().substring(0, 8);
        AtomicBoolean stop = new AtomicBoolean();
        Thread member = new Thread(() -> {
            Properties props = new Properties();
            props.put("bootstrap.servers", KafkaBrokerResource.bootstrapServers());
            props.put("group.id", group);
            props.put("client.id", "live-member");
            props.put("key.deserializer", ByteArrayDeserializer.class.getName());
            props.put("value.deserializer", ByteArrayDeserializer.class.getName());
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                consumer.subscribe(List.of(TOPIC));
                while (!stop.get()) {
                    consumer.poll(Duration.ofMillis(100));
                }
            }
        });
        member.start();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/consumer-groups/{group}", group)
                    .then().statusCode(200).body("members.size()", equalTo(1)));
            given().contentType(ContentType.JSON).body(body("to-earliest", null, "{\"topics\":[\"" + TOPIC + "\"]}", true))
                    .post("/consumer-groups/{group}/offsets/reset", group).then().statusCode(409)
                    .contentType("application/problem+json")
                    .body("detail", containsString("active member"))
                    .body("members[0].clientId", equalTo("live-member"));
            given().contentType(ContentType.JSON).body("{\"fromGroup\":\"" + GROUP + "\",\"execute\":true}")
                    .post("/consumer-groups/{group}/offsets/copy", group).then().statusCode(409);
        } finally {
            stop.set(true);
            member.join();
        }
    }

    @Test
    void offsetsAreCopiedFromAnotherGroupAfterADryRun() throws Exception {
        String group = "copy-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body("{\"fromGroup\":\"" + GROUP + "\"}")
                .post("/consumer-groups/{group}/offsets/copy", group).then().statusCode(200)
                .body("executed", equalTo(false))
                .body("plan.newOffset", equalTo(List.of(4, 7, 10)));
        assertThat(kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()).isEmpty();

        given().contentType(ContentType.JSON).body("{\"fromGroup\":\"" + GROUP + "\",\"execute\":true}")
                .post("/consumer-groups/{group}/offsets/copy", group).then().statusCode(200)
                .body("executed", equalTo(true));
        var copied = kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        assertThat(copied.get(new TopicPartition(TOPIC, 0)).offset()).isEqualTo(4);
        assertThat(copied.get(new TopicPartition(TOPIC, 1)).offset()).isEqualTo(7);
        assertThat(copied.get(new TopicPartition(TOPIC, 2)).offset()).isEqualTo(10);
        given().queryParam("group", group).get("/offset-changes").then().statusCode(200)
                .body("[0].operation", equalTo("copy")).body("[0].fromGroup", equalTo(GROUP));
    }

    @Test
    void badRequestsGetTheRightProblem() {
        reset(GROUP, "{\"strategy\":\"to-yesterday\"}").then().statusCode(400)
                .body("errors[0].pointer", equalTo("/strategy")).body("detail", containsString("unknown strategy"));
        reset(GROUP, "{}").then().statusCode(400).body("errors[0].pointer", equalTo("/strategy"));
        reset(GROUP, "{\"strategy\":\"to-offset\"}").then().statusCode(400)
                .body("errors[0].pointer", equalTo("/value")).body("detail", containsString("needs a value"));
        reset(GROUP, "{\"strategy\":\"shift-by\",\"value\":\"ten\"}").then().statusCode(400)
                .body("errors[0].pointer", equalTo("/value"));
        reset(GROUP, "{\"strategy\":\"to-datetime\",\"value\":\"yesterday\"}").then().statusCode(400)
                .body("errors[0].pointer", equalTo("/value"));
        reset(GROUP, "{\"strategy\":\"by-duration\",\"value\":\"-PT1H\"}").then().statusCode(400);
        reset("no-such-group-" + UUID.randomUUID(), "{\"strategy\":\"to-earliest\"}").then().statusCode(404)
                .contentType("application/problem+json");
        reset(GROUP, "{\"strategy\":\"to-earliest\",\"scope\":{\"topics\":[\"no-such-topic-" + UUID.randomUUID() + "\"]}}")
                .then().statusCode(404);
        reset(GROUP, "{\"strategy\":\"to-earliest\",\"scope\":{\"partitions\":[{\"topic\":\"" + TOPIC
                + "\",\"partition\":7}]}}").then().statusCode(400)
                .body("errors[0].pointer", equalTo("/scope/partitions/0/partition"));
        given().get("/consumer-groups/{group}", "no-such-group-" + UUID.randomUUID()).then().statusCode(404);
        given().contentType(ContentType.JSON).body("{}").post("/consumer-groups/{group}/offsets/copy", GROUP)
                .then().statusCode(400).body("errors[0].pointer", equalTo("/fromGroup"));
        given().contentType(ContentType.JSON).body("{\"fromGroup\":\"none-" + UUID.randomUUID() + "\"}")
                .post("/consumer-groups/{group}/offsets/copy", GROUP).then().statusCode(404);
        given().queryParam("limit", 0).get("/offset-changes").then().statusCode(400)
                .body("errors[0].parameter", equalTo("limit"));
        given().contentType(ContentType.JSON).body("{\"strategy\": ").post("/consumer-groups/{group}/offsets/reset", GROUP)
                .then().statusCode(400);
    }

    @Test
    void theOperationsAreDescribedInOpenApi() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItem("/consumer-groups/{group}/offsets/reset"));
    }

    private static io.restassured.response.Response reset(String group, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/consumer-groups/{group}/offsets/reset", group);
    }

    private static String body(String strategy, String value, String scope, boolean execute) {
        return "{\"strategy\":\"" + strategy + "\"" + (value == null ? "" : ",\"value\":\"" + value + "\"")
                + (scope == null ? "" : ",\"scope\":" + scope) + ",\"execute\":" + execute + "}";
    }

    private static List<PlanLine> planLines(io.restassured.path.json.JsonPath json) {
        List<PlanLine> lines = new ArrayList<>();
        List<Map<String, Object>> plan = json.getList("plan");
        for (Map<String, Object> line : plan) {
            lines.add(new PlanLine((String) line.get("topic"), ((Number) line.get("partition")).intValue(),
                    ((Number) line.get("newOffset")).longValue()));
        }
        return lines;
    }

    /** Kafka's tool wants yyyy-MM-dd'T'HH:mm:ss.SSS with an offset; a non-UTC one avoids a bare 'Z'. */
    private static String at(Instant instant) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").format(instant.atOffset(ZoneOffset.ofHours(1)));
    }

    private static void commit(String group, long p0, long p1, long p2) throws Exception {
        kafka.admin().alterConsumerGroupOffsets(group, Map.of(
                new TopicPartition(TOPIC, 0), new OffsetAndMetadata(p0),
                new TopicPartition(TOPIC, 1), new OffsetAndMetadata(p1),
                new TopicPartition(TOPIC, 2), new OffsetAndMetadata(p2))).all().get();
    }

    @Test
    void aNullPartitionInAScopeAndBodiesOfTheWrongShapeAreProblemsPointingAtThePlace() {
        given().contentType(ContentType.JSON).body("{\"strategy\":\"to-earliest\",\"scope\":{\"partitions\":[null]}}")
                .post("/consumer-groups/{group}/offsets/reset", GROUP).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].pointer", equalTo("/scope/partitions/0"));
        given().contentType(ContentType.JSON).body("{\"strategy\":\"to-earliest\",\"scope\":{\"partitions\":[\"p0\"]}}")
                .post("/consumer-groups/{group}/offsets/reset", GROUP).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].pointer", equalTo("/scope/partitions/0"))
                .body("errors[0].message", equalTo("must be an object"));
        given().contentType(ContentType.JSON).body("{\"fromGroup\":\"x\",\"execute\":\"yes\"}")
                .post("/consumer-groups/{group}/offsets/copy", GROUP).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].pointer", equalTo("/execute"))
                .body("errors[0].message", equalTo("must be true or false"));
        given().contentType(ContentType.JSON).body("{\"strategy\": to-earliest}")
                .post("/consumer-groups/{group}/offsets/reset", GROUP).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("not valid JSON"));
    }

    @Test
    void copyingOffsetsOfADeletedTopicIsANotFoundProblem() throws Exception {
        String topic = "gone-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(topic, 1);
        String source = "source-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.admin().alterConsumerGroupOffsets(source, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0)))
                .all().get();
        kafka.admin().deleteTopics(List.of(topic)).all().get();
        await().atMost(Duration.ofSeconds(30)).until(() -> !kafka.admin().listTopics().names().get().contains(topic));
        given().contentType(ContentType.JSON).body("{\"fromGroup\":\"" + source + "\",\"execute\":true}")
                .post("/consumer-groups/{group}/offsets/copy", "target-" + source).then()
                .statusCode(404).contentType("application/problem+json");
    }

    @Test
    void malformedOffsetChangeParametersAreBadRequests() {
        given().get("/offset-changes?limit=ten").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].parameter", equalTo("limit"));
        given().get("/offset-changes?limit=0").then().statusCode(400).body("errors[0].parameter", equalTo("limit"));
        given().get("/offset-changes?before=yesterday").then().statusCode(400)
                .body("errors[0].parameter", equalTo("before"));
    }
}
