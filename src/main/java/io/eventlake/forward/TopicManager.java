package io.eventlake.forward;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.config.EventLakeConfig.Forward.TopicMismatchPolicy;
import io.eventlake.config.EventLakeConfig.Forward.TopicSettings;
import io.quarkus.runtime.StartupEvent;

/**
 * Creates and checks clean topics through the Admin API. At start-up, every configured topic (with
 * settings, or named by a route) is created if missing, or compared with its settings; differences stop
 * the service (or are logged, with {@code on-topic-mismatch=warn}) rather than let it forward to a topic
 * that is not what the configuration says. A stream's own topic is created the first time an event needs
 * it. Blocking: call only from the forward thread or at start-up.
 */
@ApplicationScoped
public class TopicManager {

    private static final Logger LOG = Logger.getLogger(TopicManager.class);
    private static final long TIMEOUT_SECONDS = 30;

    @Inject
    Admin admin;

    @Inject
    EventLakeConfig config;

    private final Map<String, TopicInfo> known = new ConcurrentHashMap<>();

    void onStart(@Observes StartupEvent event) {
        Set<String> configured = new LinkedHashSet<>(config.forward().topics().keySet());
        config.forward().routes().values().forEach(route -> configured.addAll(route.topics()));
        if (configured.isEmpty()) {
            return;
        }
        List<String> differences = new ArrayList<>();
        for (String topic : configured) {
            differences.addAll(prepare(topic));
        }
        if (differences.isEmpty()) {
            LOG.infof("EL0011 clean topics ready: %s", configured);
            return;
        }
        String message = "EL0012 existing topics differ from their configuration:\n  - " + String.join("\n  - ", differences)
                + "\nChange the topics or eventlake.forward.topic.\"<name>\".*, or set eventlake.forward.on-topic-mismatch=warn.";
        if (config.forward().onTopicMismatch() == TopicMismatchPolicy.FAIL) {
            throw new IllegalStateException(message);
        }
        LOG.warn(message);
    }

    /** The topic, created with its settings (or the defaults) if it does not exist yet. */
    public TopicInfo ensure(String topic) {
        TopicInfo info = known.get(topic);
        if (info != null) {
            return info;
        }
        prepare(topic);
        return known.get(topic);
    }

    /** Creates or describes the topic and remembers it; returns how it differs from its settings. */
    private List<String> prepare(String topic) {
        TopicSettings settings = config.forward().topics().get(topic);
        try {
            Optional<TopicInfo> existing = describe(topic, settings);
            if (existing.isPresent()) {
                return differences(topic, settings);
            }
            create(topic, settings);
            describe(topic, settings).ifPresent(info -> LOG.infof("EL0013 created topic %s (%d partitions%s)", topic,
                    info.partitions(), info.compacted() ? ", compacted" : ""));
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("EL0014 cannot create or describe topic '" + topic + "': " + e, e);
        }
    }

    private Optional<TopicInfo> describe(String topic, TopicSettings settings)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description;
        try {
            description = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
        Config topicConfig = topicConfig(topic);
        String policy = value(topicConfig, TopicConfig.CLEANUP_POLICY_CONFIG);
        TopicInfo info = new TopicInfo(topic, description.partitions().size(), policy != null && policy.contains("compact"));
        known.put(topic, info);
        return Optional.of(info);
    }

    private List<String> differences(String topic, TopicSettings settings)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (settings == null) {
            // Named by a route only: any existing topic will do.
            return List.of();
        }
        Config topicConfig = topicConfig(topic);
        String retention = value(topicConfig, TopicConfig.RETENTION_MS_CONFIG);
        var actual = new TopicDifferences.Actual(known.get(topic).partitions(),
                value(topicConfig, TopicConfig.CLEANUP_POLICY_CONFIG), retention == null ? -1 : Long.parseLong(retention));
        var expected = new TopicDifferences.Expected(settings.partitions(), settings.compacted(), settings.retention());
        return TopicDifferences.between(topic, expected, actual);
    }

    private void create(String topic, TopicSettings settings)
            throws InterruptedException, ExecutionException, TimeoutException {
        OptionalInt partitions = settings == null ? OptionalInt.empty() : settings.partitions();
        OptionalInt replication = settings == null ? OptionalInt.empty() : settings.replicationFactor();
        NewTopic newTopic = new NewTopic(topic, Optional.of(partitions.orElse(config.forward().defaultPartitions())),
                replication.isPresent() ? Optional.of((short) replication.getAsInt()) : Optional.empty());
        Map<String, String> configs = new HashMap<>();
        if (settings != null && settings.compacted()) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        if (settings != null) {
            settings.retention().map(Duration::toMillis)
                    .ifPresent(ms -> configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(ms)));
        }
        newTopic.configs(configs);
        createAndAwaitLeaders(newTopic);
    }

    /** Creates a topic of this many partitions (an existing one is left as it is) and waits until it is usable. */
    public void createExact(String topic, int partitions) {
        try {
            createAndAwaitLeaders(new NewTopic(topic, Optional.of(partitions), Optional.empty()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("EL0014 cannot create topic '" + topic + "': " + e, e);
        }
    }

    /**
     * Creates the topic, then waits until every partition has a leader: an idempotent producer that sends to a
     * partition still electing its leader can get its sequence numbers out of step with the broker's
     * (OutOfOrderSequenceException) and stall until its delivery timeout.
     */
    private void createAndAwaitLeaders(NewTopic newTopic) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.createTopics(List.of(newTopic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // Another instance (or the producer's auto-creation) was first: describe it instead.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription description = admin.describeTopics(List.of(newTopic.name())).allTopicNames()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(newTopic.name());
                if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()
                        && !p.isr().isEmpty()) && leadersServe(newTopic.name(), description.partitions().size())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            Thread.sleep(50);
        }
        throw new TimeoutException("the partitions of topic '" + newTopic.name() + "' have no leader after "
                + TIMEOUT_SECONDS + " s");
    }

    /**
     * Whether every partition's leader answers a request only a leader can answer: the metadata names a leader
     * a moment before that broker acts as one, and a produce in that moment fails with NOT_LEADER_OR_FOLLOWER,
     * which can leave an idempotent producer's sequence numbers out of step.
     */
    private boolean leadersServe(String topic, int partitions) throws InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try {
            admin.listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException notYet) {
            return false;
        }
    }

    private Config topicConfig(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
    }

    private static String value(Config topicConfig, String name) {
        ConfigEntry entry = topicConfig.get(name);
        return entry == null ? null : entry.value();
    }
}
