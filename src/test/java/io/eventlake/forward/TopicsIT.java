package io.eventlake.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.eventlake.testing.BrokerPerClass;
import io.eventlake.testing.PackagedService;

/**
 * The packaged service creates its configured topics through the Admin API, and refuses to start on an
 * existing topic that differs from its configuration, naming each difference.
 */
class TopicsIT {

    @RegisterExtension
    static final BrokerPerClass broker = new BrokerPerClass();

    @Test
    void aConfiguredTopicIsCreatedWithItsPartitionsCompactionAndRetention() throws Exception {
        try (PackagedService service = PackagedService.start("topics-create", Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "eventlake.forward.route.\"state\".types", "made.*",
                "eventlake.forward.route.\"state\".topics", "made.state,made.history",
                "eventlake.forward.topic.\"made.state\".compacted", "true",
                "eventlake.forward.topic.\"made.state\".partitions", "3",
                "eventlake.forward.topic.\"made.state\".retention", "P7D"))) {
            var description = broker.client().admin().describeTopics(List.of("made.state", "made.history")).allTopicNames()
                    .get();
            assertThat(description.get("made.state").partitions()).hasSize(3);
            assertThat(description.get("made.history").partitions()).hasSize(4);
            Config config = topicConfig("made.state");
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("retention.ms").value()).isEqualTo("604800000");
            assertThat(topicConfig("made.history").get("cleanup.policy").value()).isEqualTo("delete");
        }
    }

    @Test
    void anExistingTopicThatDiffersStopsTheServiceWithEveryDifferenceUnlessToldToWarn() throws Exception {
        broker.client().createTopic("wrong.state", 1);
        Map<String, String> settings = Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "eventlake.forward.topic.\"wrong.state\".compacted", "true",
                "eventlake.forward.topic.\"wrong.state\".partitions", "2");

        String log = PackagedService.startExpectingRefusal("topics-refused", settings);
        assertThat(log).contains("EL0012", "topic 'wrong.state' has 1 partitions, configured 2",
                "topic 'wrong.state' has cleanup.policy=delete, configured compacted");
        // Nothing was changed on the broker behind the operator's back.
        assertThat(topicConfig("wrong.state").get("cleanup.policy").value()).isEqualTo("delete");

        Map<String, String> warned = new HashMap<>(settings);
        warned.put("eventlake.forward.on-topic-mismatch", "warn");
        try (PackagedService service = PackagedService.start("topics-warned", warned)) {
            assertThat(service.get("/q/health/ready").statusCode()).isEqualTo(200);
        }
    }

    private static Config topicConfig(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return broker.client().admin().describeConfigs(List.of(resource)).all().get().get(resource);
    }
}
