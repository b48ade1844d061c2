package io.eventlake.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class ConfigValidatorTest {

    @Test
    void theDefaultsAreSound() {
        assertThat(ConfigValidator.check(config(Map.of()))).isEmpty();
    }

    @Test
    void anHttpIngestTopicOutsideThePatternIsRefused() {
        assertThat(ConfigValidator.check(config(Map.of("eventlake.http.ingest-topic", "http-events"))))
                .singleElement().asString().contains("would never be ingested");
    }

    @Test
    void cleanTopicsThatWouldBeIngestedAgainAreRefused() {
        assertThat(ConfigValidator.check(config(Map.of("eventlake.forward.topic-prefix", "ingest.clean."))))
                .singleElement().asString().contains("ingested again");
    }

    @Test
    void aBrokenPatternAndBadLimitsAreEachNamed() {
        assertThat(ConfigValidator.check(config(Map.of("eventlake.ingest.topic-pattern", "ingest.(",
                "eventlake.http.max-batch-size", "0", "eventlake.http.default-page-size", "5000"))))
                .hasSize(3)
                .anySatisfy(p -> assertThat(p).contains("not a regular expression"))
                .anySatisfy(p -> assertThat(p).contains("max-batch-size"))
                .anySatisfy(p -> assertThat(p).contains("default-page-size"));
    }

    @Test
    void aRouteWithABrokenPatternOrAnIngestTopicIsRefused() {
        assertThat(ConfigValidator.check(config(Map.of(
                "eventlake.forward.route.\"r\".types", "regex:(rental",
                "eventlake.forward.route.\"r\".topics", "ingest.loop",
                "eventlake.forward.topic.\"t\".partitions", "0"))))
                .hasSize(3)
                .anySatisfy(p -> assertThat(p).contains("route.\"r\".types", "not a regular expression"))
                .anySatisfy(p -> assertThat(p).contains("'ingest.loop'", "ingested again"))
                .anySatisfy(p -> assertThat(p).contains("topic.\"t\".partitions"));
    }

    @Test
    void aRetentionOfNothingOrLessIsRefusedNamingTheStream() {
        assertThat(ConfigValidator.check(config(Map.of("eventlake.lake.stream.\"clicks\".retention", "PT0S",
                "eventlake.lake.stream.\"orders\".retention", "-P1D", "eventlake.lake.stream.\"audit\".retention",
                "P400D"))))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("stream.\"clicks\".retention must be positive"))
                .anySatisfy(p -> assertThat(p).contains("stream.\"orders\".retention must be positive"));
        assertThat(config(Map.of("eventlake.lake.stream.\"audit\".retention", "P400D")).lake().retentions())
                .containsOnlyKeys("audit");
    }

    @Test
    void anEmptyPartitionOrNoCheckIntervalIsRefused() {
        assertThat(ConfigValidator.check(config(Map.of("eventlake.lake.partition-size", "0",
                "eventlake.lake.partition-check-interval", "PT0S"))))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("eventlake.lake.partition-size must be at least 1"))
                .anySatisfy(p -> assertThat(p).contains("eventlake.lake.partition-check-interval must be positive"));
        assertThat(config(Map.of()).lake().partitionSize()).isEqualTo(10_000_000L);
    }

    @Test
    void aCountOfNothingIsRefused() {
        assertThat(ConfigValidator.check(config(Map.of("eventlake.replay.exact-count-limit", "0",
                "eventlake.streams.exact-count-limit", "-1"))))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("eventlake.replay.exact-count-limit must be at least 1"))
                .anySatisfy(p -> assertThat(p).contains("eventlake.streams.exact-count-limit must be at least 1"));
        assertThat(config(Map.of()).replay().exactCountLimit()).isEqualTo(10_000);
        assertThat(config(Map.of()).streams().exactCountLimit()).isEqualTo(10_000);
    }

    @Test
    void aBulkRedriveOfNoneACallOrCountingNoneIsRefused() {
        assertThat(ConfigValidator.check(config(Map.of("eventlake.dead-letter.redrive-batch", "0",
                "eventlake.dead-letter.exact-count-limit", "0"))))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("eventlake.dead-letter.redrive-batch must be at least 1"))
                .anySatisfy(p -> assertThat(p).contains("eventlake.dead-letter.exact-count-limit must be at least 1"));
        assertThat(config(Map.of()).deadLetter().redriveBatch()).isEqualTo(500);
        assertThat(config(Map.of()).deadLetter().exactCountLimit()).isEqualTo(10_000);
    }

    @Test
    void zstdForTheServicesOwnProducersIsRefusedInTheNativeExecutableOnly() {
        SmallRyeConfig settings = new SmallRyeConfigBuilder().withSources(new io.smallrye.config.PropertiesConfigSource(
                Map.of("kafka.compression.type", "zstd", "mp.messaging.outgoing.dead-letters.compression.type", "ZSTD",
                        "mp.messaging.incoming.ingest.compression.type", "zstd"),
                "test", 500)).build();

        assertThat(ConfigValidator.checkCompression(settings, true)).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("kafka.compression.type=zstd").contains("lz4, snappy or gzip"))
                .anySatisfy(p -> assertThat(p).startsWith("mp.messaging.outgoing.dead-letters.compression.type"));
        assertThat(ConfigValidator.checkCompression(settings, false)).as("the JVM build has every codec").isEmpty();
    }

    private static EventLakeConfig config(Map<String, String> overrides) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(EventLakeConfig.class)
                .withDefaultValue("eventlake.ingest.topic-pattern", "ingest\\..*")
                .withSources(new io.smallrye.config.PropertiesConfigSource(overrides, "test", 500))
                .build();
        return config.getConfigMapping(EventLakeConfig.class);
    }
}
