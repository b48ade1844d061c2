package io.eventlake.subscriptions;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.ConflictException;
import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.NotFoundException;
import io.eventlake.error.Violation;
import io.eventlake.event.StreamNaming;
import io.eventlake.forward.TopicInfo;
import io.eventlake.forward.TopicManager;
import io.eventlake.offsets.ConsumerGroupService;
import io.eventlake.replay.KafkaCluster;
import io.eventlake.replay.ReplayJob;
import io.eventlake.replay.ReplayRepository;
import io.eventlake.replay.ReplaySource;
import io.eventlake.replay.ReplayState;
import io.eventlake.request.RequestValues;
import io.eventlake.subscriptions.SubscriptionRepository.LakePosition;
import io.eventlake.subscriptions.SubscriptionRepository.SubscriptionRow;

/**
 * Registers a new consumer group on streams and a start point, so that the application behind it ends up
 * with the history or state it asked for. Everything older than the moment of registration comes from the
 * lake through a backfill topic; everything after it from the clean topics, whose offsets are set for the
 * group before its first poll. The hand-over is exact: the backfill holds every event up to lake position
 * {@code handoverSeq}, the clean topics are read from offsets taken before that position was fixed, and a
 * consumer skips clean records at or below it. Blocking (Admin calls): runs on worker threads.
 */
@ApplicationScoped
public class SubscriptionService {

    private static final Logger LOG = Logger.getLogger(SubscriptionService.class);
    private static final long TIMEOUT_SECONDS = 30;

    /** A group name this long is a mistake, not a name; Kafka itself sets no limit. */
    static final int MAX_GROUP_LENGTH = 255;

    public static final String SNAPSHOT = "snapshot";
    public static final String EARLIEST = "earliest";
    public static final String LATEST = "latest";

    @Inject
    Admin admin;

    @Inject
    TopicManager topics;

    @Inject
    ReplayRepository replays;

    @Inject
    ConsumerGroupService groups;

    @Inject
    SubscriptionRepository repository;

    @Inject
    KafkaCluster cluster;

    @Inject
    EventLakeConfig config;

    public Subscription create(SubscriptionRequest request, String by) {
        List<Violation> problems = new ArrayList<>();
        if (request == null) {
            throw new InvalidRequestException(Violation.atPointer("", "a JSON body is required"));
        }
        if (request.group() == null || request.group().isBlank()) {
            problems.add(Violation.atPointer("/group", "the consumer group to register is required"));
        } else if (request.group().indexOf('\u0000') >= 0 || request.group().length() > MAX_GROUP_LENGTH) {
            problems.add(Violation.atPointer("/group", "must be at most " + MAX_GROUP_LENGTH
                    + " characters, without NUL (U+0000)"));
        }
        String prefix = config.forward().topicPrefix();
        RequestValues.streamNames("/streams", request.streams(), prefix, problems);
        if (request.topics() != null) {
            for (int i = 0; i < request.topics().size(); i++) {
                RequestValues.topicName(Violation.atPointer("/topics/" + i, ""), request.topics().get(i), problems);
            }
        }
        String start = request.start() == null ? LATEST : request.start();
        OffsetDateTime since = null;
        if (!List.of(SNAPSHOT, EARLIEST, LATEST).contains(start)) {
            List<Violation> notATime = new ArrayList<>();
            since = RequestValues.time(Violation.atPointer("/start", ""), start, notATime);
            if (!notATime.isEmpty()) {
                problems.add(Violation.atPointer("/start", "'" + start
                        + "' is neither snapshot, earliest, latest nor an RFC 3339 timestamp"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("The subscription request is not valid.", problems);
        }
        String group = request.group();
        boolean takeOver = Boolean.TRUE.equals(request.takeOver());
        refuseIfTaken(group, takeOver);

        List<String> cleanTopics = request.topics() != null && !request.topics().isEmpty() ? request.topics()
                : request.streams().stream().map(s -> StreamNaming.topicOf(config.forward().topicPrefix(), s)).distinct()
                        .toList();
        List<TopicPartition> partitions = new ArrayList<>();
        boolean compacted = false;
        for (String topic : cleanTopics) {
            TopicInfo info = topics.ensure(topic);
            compacted |= info.compacted();
            for (int p = 0; p < info.partitions(); p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        }
        // 1. Where the clean topics end now: every event stored after the hand-over position is beyond these.
        Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
        // 2. The hand-over position, once every transaction that could still commit an event below it ended.
        long handoverSeq = handoverSeq();

        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        String backfillTopic = null;
        Long jobId = null;
        if (LATEST.equals(start)) {
            ends.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
        } else if (EARLIEST.equals(start) && !compacted
                && offsets(partitions, OffsetSpec.earliest()).values().stream().allMatch(o -> o == 0)) {
            // Kafka still holds the whole history of these topics: read it there, no backfill.
            partitions.forEach(tp -> offsets.put(tp, new OffsetAndMetadata(0)));
            handoverSeq = 0;
        } else {
            backfillTopic = createBackfillTopic(group);
            ReplayJob job = replays
                    .create(SNAPSHOT.equals(start) ? ReplaySource.SNAPSHOT : ReplaySource.HISTORY, request.streams(),
                            null, null, since, null, backfillTopic, null, null, by,
                            subscriptionNote(group),
                            handoverSeq, true, cluster.id())
                    .await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS));
            jobId = job.id();
            ends.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
            offsets.put(new TopicPartition(backfillTopic, 0), new OffsetAndMetadata(0));
        }
        get(admin.alterConsumerGroupOffsets(group, offsets).all());
        repository.upsert(group, request.streams(), start, cleanTopics, backfillTopic, handoverSeq, jobId, by)
                .await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS));
        LOG.infof("EL0701 subscription %s on %s from %s: topics %s, backfill %s up to lake position %d", group,
                request.streams(), start, cleanTopics, backfillTopic, handoverSeq);
        return get(group);
    }

    /** The replay job's note naming its subscription, as JSON whatever characters the group name holds. */
    private static String subscriptionNote(String group) {
        return JsonNodeFactory.instance.objectNode().put("subscription", group).toString();
    }

    public List<Subscription> list() {
        List<SubscriptionRow> rows = repository.list(100).await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS));
        Map<String, Map<TopicPartition, Long>> lags = groups.committedLags(rows.stream().map(SubscriptionRow::group).toList());
        return rows.stream().map(row -> withLag(row, lags.getOrDefault(row.group(), Map.of()))).toList();
    }

    public Subscription get(String group) {
        return repository.find(group).await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS))
                .map(row -> withLag(row, groups.committedLags(List.of(group)).getOrDefault(group, Map.of())))
                .orElseThrow(() -> new NotFoundException("No subscription for consumer group '" + group + "'."));
    }

    /** The subscription with its lag: records the group has still to read, unsent backfill included. */
    private Subscription withLag(SubscriptionRow row, Map<TopicPartition, Long> partitionLags) {
        boolean backfillDone = ReplayState.SUCCEEDED.name().equals(row.backfillState());
        long lag = partitionLags.entrySet().stream()
                .filter(p -> !p.getKey().topic().equals(row.backfillTopic()) || !backfillDone)
                .mapToLong(Map.Entry::getValue).sum();
        if (row.backfillUnsent() != null && !backfillDone) {
            lag += row.backfillUnsent();
        }
        return new Subscription(row.group(), row.streams(), row.start(), row.topics(), row.backfillTopic(),
                row.handoverSeq(), row.replayJobId(), row.backfillState(), lag, row.requestedBy(), row.createdAt());
    }

    private void refuseIfTaken(String group, boolean takeOver) {
        Optional<ConsumerGroupDescription> description = describe(group);
        if (description.isPresent() && !description.get().members().isEmpty()) {
            throw new ConflictException("Consumer group '" + group + "' has " + description.get().members().size()
                    + " active member(s); stop them before registering it.");
        }
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).forEach((tp, offset) -> {
            if (offset != null) {
                committed.put(tp, offset);
            }
        });
        if (!committed.isEmpty() && !takeOver) {
            throw new ConflictException("Consumer group '" + group + "' already committed offsets on " + committed.size()
                    + " partition(s); pass \"takeOver\": true to reset it to the subscription's start.");
        }
    }

    private Optional<ConsumerGroupDescription> describe(String group) {
        try {
            return Optional.ofNullable(admin.describeConsumerGroups(List.of(group)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(group));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Optional.empty();
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The lake's last position, after waiting for every transaction that was running when it was read: an
     * event such a transaction stores gets a position below it, and must be in the backfill.
     */
    private long handoverSeq() {
        LakePosition now = repository.lakePosition().await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS));
        OffsetDateTime readAt = now.readAt();
        long deadline = System.nanoTime() + Duration.ofSeconds(TIMEOUT_SECONDS).toNanos();
        while (true) {
            long running = repository.writingTransactionsStartedBefore(readAt).await()
                    .atMost(Duration.ofSeconds(TIMEOUT_SECONDS));
            if (running == 0) {
                return now.seq();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("transactions older than " + readAt + " are still running after "
                        + TIMEOUT_SECONDS + " s; try again");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private String createBackfillTopic(String group) {
        String name = StreamNaming.topicOf("eventlake.backfill.", group.replaceAll("[^a-zA-Z0-9._-]", "_") + "."
                + System.currentTimeMillis());
        // One partition: the backfill is read in the order it was written (lake order, or key order).
        topics.createExact(name, 1);
        return name;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> result = new HashMap<>();
        get(admin.listOffsets(request).all()).forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
