package io.eventlake.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start on settings that would silently lose or misroute events, naming each one, instead of
 * running with them.
 */
public class ConfigValidator {

    /** Store lanes, at most: each holds a connection of the lake pool while a batch is stored. */
    static final int MAX_STORE_LANES = 8;

    @Inject
    EventLakeConfig config;

    void onStart(@Observes StartupEvent event) {
        List<String> problems = check(config);
        problems.addAll(checkIdentityProvider(ConfigProvider.getConfig()));
        problems.addAll(checkCompression(ConfigProvider.getConfig(), ImageMode.current() == ImageMode.NATIVE_RUN));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("EL0010 invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
    }

    /**
     * Without a key to verify tokens against, every call but health would be refused: say so at start-up, with
     * what to set, rather than answer 401 to everyone.
     */
    static List<String> checkIdentityProvider(Config settings) {
        List<String> problems = new ArrayList<>();
        boolean key = settings.getOptionalValue("mp.jwt.verify.publickey", String.class).isPresent()
                || settings.getOptionalValue("mp.jwt.verify.publickey.location", String.class).isPresent();
        if (!key) {
            problems.add("no identity provider: set mp.jwt.verify.publickey.location to its JWKS URL (e.g. "
                    + "https://idp.example.com/realms/acme/protocol/openid-connect/certs) and mp.jwt.verify.issuer; "
                    + "bin/run-dev sets a local one");
        }
        if (settings.getOptionalValue("mp.jwt.verify.issuer", String.class).isEmpty()) {
            problems.add("mp.jwt.verify.issuer is not set: tokens of any issuer trusting the same keys would be accepted");
        }
        return problems;
    }

    /**
     * The native executable holds the gzip, snappy and lz4 codecs but not zstd (the Quarkus Kafka extension of
     * this version cannot load its native library there): a producer of the service set to zstd would fail on its
     * first send, so refuse to start and say which setting to change. (Records producers compress with zstd are a
     * consumer's problem: ingest's readiness names the partition it cannot read.)
     */
    static List<String> checkCompression(Config settings, boolean nativeImage) {
        List<String> problems = new ArrayList<>();
        if (!nativeImage) {
            return problems;
        }
        for (String name : settings.getPropertyNames()) {
            boolean producerSetting = name.equals("kafka.compression.type")
                    || name.startsWith("mp.messaging.outgoing.") && name.endsWith(".compression.type");
            if (producerSetting && settings.getOptionalValue(name, String.class).map(v -> v.trim().equalsIgnoreCase("zstd"))
                    .orElse(false)) {
                problems.add(name + "=zstd: the native executable cannot compress with zstd; use lz4, snappy or gzip "
                        + "(or run the JVM build)");
            }
        }
        return problems;
    }

    /** Every problem of the configuration; empty when it is sound. */
    static List<String> check(EventLakeConfig config) {
        List<String> problems = new ArrayList<>();
        Pattern ingest = null;
        try {
            ingest = Pattern.compile(config.ingest().topicPattern());
        } catch (PatternSyntaxException e) {
            problems.add("eventlake.ingest.topic-pattern is not a regular expression: " + e.getDescription());
        }
        String httpTopic = config.http().ingestTopic();
        if (ingest != null && !ingest.matcher(httpTopic).matches()) {
            problems.add("eventlake.http.ingest-topic '" + httpTopic + "' does not match eventlake.ingest.topic-pattern '"
                    + config.ingest().topicPattern() + "': events posted over HTTP would never be ingested");
        }
        String cleanExample = config.forward().topicPrefix() + "example";
        if (ingest != null && ingest.matcher(cleanExample).matches()) {
            problems.add("eventlake.forward.topic-prefix '" + config.forward().topicPrefix()
                    + "' makes clean topics match eventlake.ingest.topic-pattern: forwarded events would be ingested again");
        }
        if (config.deadLetter().topic().isBlank()) {
            problems.add("eventlake.dead-letter.topic is empty");
        } else if (ingest != null && ingest.matcher(config.deadLetter().topic()).matches()) {
            problems.add("eventlake.dead-letter.topic '" + config.deadLetter().topic()
                    + "' matches eventlake.ingest.topic-pattern: dead letters would be ingested again");
        }
        if (config.http().maxBatchSize() < 1) {
            problems.add("eventlake.http.max-batch-size must be at least 1");
        }
        if (config.http().maxBodyBytes() < 1) {
            problems.add("eventlake.http.max-body-bytes must be at least 1");
        }
        if (config.http().defaultPageSize() < 1 || config.http().defaultPageSize() > config.http().maxPageSize()) {
            problems.add("eventlake.http.default-page-size must be between 1 and eventlake.http.max-page-size ("
                    + config.http().maxPageSize() + ")");
        }
        if (config.ingest().maxRetries() < -1) {
            problems.add("eventlake.ingest.max-retries must be -1 (retry until it goes through) or a number of retries");
        }
        if (config.ingest().storeLanes() < 1 || config.ingest().storeLanes() > MAX_STORE_LANES) {
            problems.add("eventlake.ingest.store-lanes must be between 1 and " + MAX_STORE_LANES);
        }
        checkRoutes(config, ingest, problems);
        if (config.compaction().batchKeys() < 1) {
            problems.add("eventlake.compaction.batch-keys must be at least 1");
        }
        if (config.replay().exactCountLimit() < 1) {
            problems.add("eventlake.replay.exact-count-limit must be at least 1 (events of a stream a replay job counts"
                    + " one by one when it is created; 10000 by default)");
        }
        if (config.streams().exactCountLimit() < 1) {
            problems.add("eventlake.streams.exact-count-limit must be at least 1 (keys of a stream GET /streams and a"
                    + " history compaction count one by one; 10000 by default)");
        }
        if (config.deadLetter().exactCountLimit() < 1) {
            problems.add("eventlake.dead-letter.exact-count-limit must be at least 1 (dead letters a bulk redrive counts"
                    + " one by one; 10000 by default)");
        }
        if (config.deadLetter().redriveBatch() < 1) {
            problems.add("eventlake.dead-letter.redrive-batch must be at least 1 (dead letters one bulk redrive goes"
                    + " through; 500 by default)");
        }
        if (config.lake().partitionSize() < 1) {
            problems.add("eventlake.lake.partition-size must be at least 1 (events per partition; 10000000 by default)");
        }
        if (config.lake().partitionCheckInterval().isNegative() || config.lake().partitionCheckInterval().isZero()) {
            problems.add("eventlake.lake.partition-check-interval must be positive");
        }
        if (config.lake().retentionBatchSize() < 1) {
            problems.add("eventlake.lake.retention-batch-size must be at least 1");
        }
        if (config.lake().retentionInterval().isNegative() || config.lake().retentionInterval().isZero()) {
            problems.add("eventlake.lake.retention-interval must be positive");
        }
        config.lake().retentions().forEach((stream, retention) -> {
            if (retention.isNegative() || retention.isZero()) {
                problems.add("eventlake.lake.stream.\"" + stream + "\".retention must be positive (it is " + retention
                        + "): a retention of nothing would delete every event as it arrives");
            }
        });
        if (config.forward().defaultPartitions() < 1) {
            problems.add("eventlake.forward.default-partitions must be at least 1");
        }
        if (config.metrics().maxTagValues() < 0) {
            problems.add("eventlake.metrics.max-tag-values must be 0 (every name counted as other) or more");
        }
        return problems;
    }

    private static void checkRoutes(EventLakeConfig config, Pattern ingest, List<String> problems) {
        config.forward().routes().forEach((name, route) -> {
            String key = "eventlake.forward.route.\"" + name + "\"";
            for (String type : route.types()) {
                try {
                    TypePattern.matcher(type);
                } catch (PatternSyntaxException e) {
                    problems.add(key + ".types: '" + type + "' is not a regular expression: " + e.getDescription());
                }
            }
            for (String topic : route.topics()) {
                if (ingest != null && ingest.matcher(topic).matches()) {
                    problems.add(key + ".topics: '" + topic + "' matches eventlake.ingest.topic-pattern: forwarded events "
                            + "would be ingested again");
                }
            }
        });
        config.forward().topics().forEach((topic, settings) -> {
            if (settings.partitions().isPresent() && settings.partitions().getAsInt() < 1) {
                problems.add("eventlake.forward.topic.\"" + topic + "\".partitions must be at least 1");
            }
        });
    }
}
