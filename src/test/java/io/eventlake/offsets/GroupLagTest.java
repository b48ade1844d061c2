package io.eventlake.offsets;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.SignedInAsAdmin;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Lag and status of consumer groups, sampled from the broker (every second, status window 3 s in the test profile),
 * against groups in known states on a topic of 3 partitions holding 10 records each, one minute apart, starting an
 * hour ago: a group that stopped reading (no members, committed at 4, 7 and 10), one caught up, one whose member
 * holds its committed offsets while records arrive, and one whose member commits but falls further behind.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class GroupLagTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Instant FIRST = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    private static final String TOPIC = "lagging-" + suffix();
    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @BeforeAll
    static void knownData() {
        kafka.createTopic(TOPIC, 3);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int partition = 0; partition < 3; partition++) {
            for (int i = 0; i < 10; i++) {
                records.add(new ProducerRecord<>(TOPIC, partition, FIRST.plusSeconds(60L * i).toEpochMilli(),
                        bytes("k" + i), bytes("v" + i)));
            }
        }
        kafka.sendAll(records);
    }

    @Test
    void aGroupThatStoppedReadingShowsItsLagInRecordsAndSecondsAndIsStopped() throws Exception {
        String group = "stopped-" + suffix();
        Instant before = Instant.now();
        commit(group, 4, 7, 10);

        await().atMost(PATIENCE).until(() -> gauge("eventlake_consumer_group_status", group, "status", "STOPPED") == 1);
        Instant after = Instant.now();
        assertThat(gauge("eventlake_consumer_group_lag", group, "topic", TOPIC)).isEqualTo(9);
        // The oldest unread record is partition 0's at offset 4, written FIRST + 4 min; sampled between before and after.
        Instant oldestUnread = FIRST.plusSeconds(4 * 60);
        double seconds = gauge("eventlake_consumer_group_lag_seconds", group, "topic", TOPIC);
        assertThat(seconds).isBetween((double) Duration.between(oldestUnread, before).toSeconds(),
                (double) Duration.between(oldestUnread, after).toSeconds());
        assertThat(gauge("eventlake_consumer_group_status", group, "status", "OK")).isZero();

        JsonPath listed = summary(group);
        assertThat(listed.getString("status")).isEqualTo("STOPPED");
        assertThat(listed.getLong("totalLag")).isEqualTo(9);
        assertThat(listed.getLong("lagSeconds")).isBetween(Duration.between(oldestUnread, before).toSeconds(),
                Duration.between(oldestUnread, after).toSeconds());
        given().get("/consumer-groups/{group}", group).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("STOPPED"));
    }

    @Test
    void aCaughtUpGroupIsOkWithNoLag() throws Exception {
        String group = "caught-up-" + suffix();
        commit(group, 10, 10, 10);

        await().atMost(PATIENCE).until(() -> gauge("eventlake_consumer_group_status", group, "status", "OK") == 1);
        assertThat(gauge("eventlake_consumer_group_lag", group, "topic", TOPIC)).isZero();
        assertThat(gauge("eventlake_consumer_group_lag_seconds", group, "topic", TOPIC)).isZero();
        assertThat(summary(group).getString("status")).isEqualTo("OK");
        assertThat(summary(group).getLong("lagSeconds")).isZero();
    }

    @Test
    void aMemberWhoseCommitsDoNotMoveWhileItLagsIsStalled() {
        String group = "stalled-" + suffix();
        try (KafkaConsumer<byte[], byte[]> member = join(group)) {
            member.commitSync(offsets(2, 2, 2));

            await().atMost(PATIENCE).until(() -> gauge("eventlake_consumer_group_status", group, "status", "STALLED") == 1);
            assertThat(gauge("eventlake_consumer_group_lag", group, "topic", TOPIC)).isEqualTo(24);
            JsonPath listed = summary(group);
            assertThat(listed.getString("status")).isEqualTo("STALLED");
            assertThat(listed.getInt("members")).isEqualTo(1);
        }
    }

    @Test
    void aMemberThatCommitsButFallsFurtherBehindAtEverySampleIsWarn() {
        String group = "warn-" + suffix();
        String topic = "growing-" + suffix();
        kafka.createTopic(topic, 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> member = join(group, topic)) {
            long[] committed = { 0 };
            // Each look writes 5 records and lets the member commit 1 further: behind by 4 more each time.
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).until(() -> {
                List<ProducerRecord<byte[], byte[]>> more = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    more.add(new ProducerRecord<>(topic, 0, bytes("k"), bytes("v")));
                }
                kafka.sendAll(more);
                member.commitSync(Map.of(partition, new OffsetAndMetadata(++committed[0])));
                return gauge("eventlake_consumer_group_status", group, "status", "WARN") == 1;
            });
            assertThat(summary(group).getString("status")).isEqualTo("WARN");
        }
    }

    /** A member of the group, assigned every partition of the topic, that reads nothing more after joining. */
    private static KafkaConsumer<byte[], byte[]> join(String group) {
        return join(group, TOPIC);
    }

    private static KafkaConsumer<byte[], byte[]> join(String group, String topic) {
        Properties props = new Properties();
        props.put("bootstrap.servers", KafkaBrokerResource.bootstrapServers());
        props.put("group.id", group);
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(props);
        member.subscribe(List.of(topic));
        await().atMost(PATIENCE).until(() -> {
            member.poll(Duration.ofMillis(100));
            return !member.assignment().isEmpty();
        });
        return member;
    }

    private static void commit(String group, long p0, long p1, long p2) throws Exception {
        kafka.admin().alterConsumerGroupOffsets(group, offsets(p0, p1, p2)).all().get();
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(long p0, long p1, long p2) {
        return Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(p0),
                new TopicPartition(TOPIC, 1), new OffsetAndMetadata(p1),
                new TopicPartition(TOPIC, 2), new OffsetAndMetadata(p2));
    }

    private static JsonPath summary(String group) {
        JsonPath all = given().get("/consumer-groups").then().statusCode(200).extract().jsonPath();
        return new JsonPath(all.prettify()).setRootPath("find { it.groupId == '" + group + "' }");
    }

    /** A series of the scrape, by its group and one other tag (Prometheus prints tags by name); 0 while absent. */
    private static double gauge(String name, String group, String tag, String value) {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String series = Pattern.quote(name + "{group=\"" + group + "\"," + tag + "=\"" + value + "\"}");
        Matcher matcher = Pattern.compile("^" + series + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
