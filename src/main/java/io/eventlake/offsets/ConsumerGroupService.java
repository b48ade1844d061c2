package io.eventlake.offsets;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.ConflictException;
import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.NotFoundException;
import io.eventlake.error.Violation;
import io.eventlake.offsets.ConsumerGroupRequests.Scope;
import io.eventlake.offsets.ConsumerGroupRequests.TopicPartitionRef;
import io.eventlake.offsets.ConsumerGroupViews.GroupDetail;
import io.eventlake.offsets.ConsumerGroupViews.GroupSummary;
import io.eventlake.offsets.ConsumerGroupViews.PartitionLag;
import io.eventlake.offsets.ConsumerGroupViews.ResetResult;
import io.eventlake.request.RequestValues;
import io.smallrye.mutiny.Uni;

/**
 * Consumer groups through the Kafka Admin API: their members, committed offsets and lag, and offset
 * resets and copies with Kafka's own semantics. Offsets of a group with members are never changed: the
 * members would overwrite them with their own positions on the next commit.
 * <p>
 * Blocking: it waits for the Admin client's futures, so it is called from worker threads only (the REST
 * methods that use it return plain values, which Quarkus REST runs on workers). These are operator calls,
 * rare and short, never on the ingest path.
 */
@ApplicationScoped
public class ConsumerGroupService {

    private static final Logger LOG = Logger.getLogger(ConsumerGroupService.class);

    @Inject
    Admin admin;

    @Inject
    RecordTimestamps timestamps;

    @Inject
    OffsetChangeRepository changes;

    @Inject
    GroupLagHistory history;

    @Inject
    EventLakeConfig config;

    public List<GroupSummary> list() {
        List<GroupSummary> summaries = new ArrayList<>();
        for (GroupPosition position : positions(groupIds())) {
            Map<TopicPartition, Long> lag = position.lag();
            Optional<GroupLagHistory.Judged> judged = history.latest(position.groupId());
            summaries.add(new GroupSummary(position.groupId(), position.state(), position.members(),
                    lag.keySet().stream().map(TopicPartition::topic).distinct().sorted().toList(),
                    lag.values().stream().mapToLong(Long::longValue).sum(), statusOf(position, judged),
                    judged.map(GroupLagHistory.Judged::lagSeconds).orElse(null)));
        }
        return summaries;
    }

    /** Every consumer group the cluster knows, by name. */
    public List<String> groupIds() {
        Collection<ConsumerGroupListing> listings = get(admin.listConsumerGroups().all());
        return listings.stream().map(ConsumerGroupListing::groupId).sorted().toList();
    }

    /**
     * Where each of these groups stands: three Admin calls for all of them together (their descriptions, their
     * committed offsets, the log ends of every partition they committed on), not a few per group. A group deleted
     * since it was listed is left out.
     */
    public List<GroupPosition> positions(List<String> groups) {
        if (groups.isEmpty()) {
            return List.of();
        }
        Map<String, ConsumerGroupDescription> descriptions = get(admin.describeConsumerGroups(groups).all());
        Map<String, Map<TopicPartition, Long>> committed = committedOffsets(groups);
        Set<TopicPartition> partitions = new HashSet<>();
        committed.values().forEach(offsets -> partitions.addAll(offsets.keySet()));
        Map<TopicPartition, Long> ends = endOffsets(partitions);
        List<GroupPosition> positions = new ArrayList<>();
        for (String group : groups) {
            ConsumerGroupDescription description = descriptions.get(group);
            if (description != null) {
                Map<TopicPartition, Long> offsets = committed.getOrDefault(group, Map.of());
                Map<TopicPartition, Long> groupEnds = new HashMap<>();
                offsets.keySet().forEach(tp -> groupEnds.put(tp, ends.getOrDefault(tp, 0L)));
                positions.add(new GroupPosition(group, stateOf(description), description.members().size(), offsets,
                        groupEnds));
            }
        }
        return positions;
    }

    /**
     * For each group, the lag in records of every partition it committed an offset on: two Admin calls for all the
     * groups together (their committed offsets, then the log ends of every partition), not a few per group.
     */
    public Map<String, Map<TopicPartition, Long>> committedLags(Collection<String> groups) {
        if (groups.isEmpty()) {
            return Map.of();
        }
        Map<String, Map<TopicPartition, Long>> committed = committedOffsets(groups);
        Set<TopicPartition> partitions = new HashSet<>();
        committed.values().forEach(offsets -> partitions.addAll(offsets.keySet()));
        Map<TopicPartition, Long> ends = endOffsets(partitions);
        Map<String, Map<TopicPartition, Long>> lags = new HashMap<>();
        committed.forEach((group, offsets) -> lags.put(group,
                new GroupPosition(group, null, 0, offsets, ends).lag()));
        return lags;
    }

    /** Each group's committed offsets (partitions without one left out), in one Admin call for all. */
    private Map<String, Map<TopicPartition, Long>> committedOffsets(Collection<String> groups) {
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groups.forEach(group -> specs.put(group, new ListConsumerGroupOffsetsSpec()));
        Map<String, Map<TopicPartition, Long>> committed = new HashMap<>();
        get(admin.listConsumerGroupOffsets(specs).all()).forEach((group, offsets) -> {
            Map<TopicPartition, Long> present = new HashMap<>();
            offsets.forEach((tp, offset) -> {
                if (offset != null) {
                    present.put(tp, offset.offset());
                }
            });
            committed.put(group, present);
        });
        return committed;
    }

    /** The status as last judged over the window, or, for a group not sampled yet, judged from now alone. */
    private GroupStatus statusOf(GroupPosition position, Optional<GroupLagHistory.Judged> judged) {
        return judged.map(GroupLagHistory.Judged::status).orElseGet(() -> GroupStatusJudge.judge(
                List.of(new LagSample(Instant.now(), position.members(), position.committed(), position.lag())),
                config.consumerGroups().statusWindow()));
    }

    public GroupDetail describe(String group) {
        ConsumerGroupDescription description = requireGroup(group);
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        Set<TopicPartition> partitions = new TreeSet<>(Comparator.comparing(TopicPartition::topic)
                .thenComparing(TopicPartition::partition));
        partitions.addAll(committed.keySet());
        description.members().forEach(m -> partitions.addAll(m.assignment().topicPartitions()));
        Map<TopicPartition, Long> ends = endOffsets(partitions);
        List<PartitionLag> lags = new ArrayList<>();
        long total = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = committed.get(tp);
            long end = ends.getOrDefault(tp, 0L);
            long lag = offset == null ? 0 : Math.max(0, end - offset.offset());
            total += lag;
            Long lagMillis = offset == null ? null : timestamps.lagMillis(tp, offset.offset(), end);
            lags.add(new PartitionLag(tp.topic(), tp.partition(), offset == null ? null : offset.offset(), end, lag,
                    lagMillis));
        }
        Map<TopicPartition, Long> committedOffsets = new HashMap<>();
        committed.forEach((tp, offset) -> committedOffsets.put(tp, offset.offset()));
        GroupPosition position = new GroupPosition(group, stateOf(description), description.members().size(),
                committedOffsets, ends);
        return new GroupDetail(group, stateOf(description), statusOf(position, history.latest(group)),
                members(description), lags, total);
    }

    public ResetResult reset(String group, ResetStrategy strategy, String value, Scope scope, boolean execute,
            String requestedBy) {
        ConsumerGroupDescription description = requireGroup(group);
        // Like Kafka's tool, even a dry run is refused: a plan for a running group is stale at once.
        refuseIfActive(group, description);
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        List<TopicPartition> partitions = resolveScope(group, scope, committed);
        Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
        List<PartitionOffsets> positions = partitions.stream().map(tp -> new PartitionOffsets(tp.topic(), tp.partition(),
                committed.containsKey(tp) ? committed.get(tp).offset() : null, starts.get(tp), ends.get(tp))).toList();

        Map<String, Long> forTime = Map.of();
        long number = 0;
        switch (strategy) {
            case TO_DATETIME -> forTime = offsetsForTime(partitions, parseDateTime(value));
            case BY_DURATION -> forTime = offsetsForTime(partitions, Instant.now().minus(parseDuration(value)));
            case TO_OFFSET, SHIFT_BY -> number = parseNumber(value);
            default -> {
            }
        }
        List<PlannedOffset> plan;
        try {
            plan = OffsetResetPlanner.plan(strategy, positions, forTime, number);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(Violation.atPointer("/strategy", e.getMessage()));
        }
        if (execute) {
            apply(group, description, plan);
            changes.record(group, "reset", strategy.option(), value, null, plan, requestedBy).await()
                    .atMost(AUDIT_TIMEOUT);
        }
        return new ResetResult(group, "reset", strategy.option(), value, null, execute, plan);
    }

    public ResetResult copy(String group, String fromGroup, Scope scope, boolean execute, String requestedBy) {
        Map<TopicPartition, OffsetAndMetadata> source = committed(fromGroup);
        if (source.isEmpty()) {
            throw new NotFoundException("Consumer group '" + fromGroup + "' has no committed offsets to copy.");
        }
        ConsumerGroupDescription description = describeOrNull(group);
        refuseIfActive(group, description);
        Map<TopicPartition, OffsetAndMetadata> current = committed(group);
        List<TopicPartition> partitions = resolveScope(fromGroup, scope, source);
        List<PlannedOffset> plan = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata from = source.get(tp);
            if (from == null) {
                throw new InvalidRequestException(Violation.atPointer("/scope",
                        "group '" + fromGroup + "' has no committed offset on " + tp));
            }
            plan.add(new PlannedOffset(tp.topic(), tp.partition(), current.containsKey(tp) ? current.get(tp).offset() : null,
                    from.offset()));
        }
        if (execute) {
            apply(group, description, plan);
            changes.record(group, "copy", null, null, fromGroup, plan, requestedBy).await().atMost(AUDIT_TIMEOUT);
        }
        return new ResetResult(group, "copy", null, null, fromGroup, execute, plan);
    }

    /** Applies a plan, reads the offsets back and checks them: the returned plan is what Kafka now holds. */
    private void apply(String group, ConsumerGroupDescription description, List<PlannedOffset> plan) {
        refuseIfActive(group, description);
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        plan.forEach(p -> offsets.put(new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(p.newOffset())));
        get(admin.alterConsumerGroupOffsets(group, offsets).all());
        Map<TopicPartition, OffsetAndMetadata> readBack = committed(group);
        for (var entry : offsets.entrySet()) {
            OffsetAndMetadata stored = readBack.get(entry.getKey());
            if (stored == null || stored.offset() != entry.getValue().offset()) {
                throw new ConflictException("Offsets of '" + group + "' were changed but read back differently on "
                        + entry.getKey() + ": expected " + entry.getValue().offset() + ", found "
                        + (stored == null ? "none" : stored.offset()) + ". Was the group started meanwhile?");
            }
        }
        LOG.infof("EL0201 offsets of group %s set on %d partition(s)", group, plan.size());
    }

    private void refuseIfActive(String group, ConsumerGroupDescription description) {
        if (description != null && !description.members().isEmpty()) {
            throw new ActiveGroupException(group, stateOf(description), members(description));
        }
    }

    private List<TopicPartition> resolveScope(String group, Scope scope, Map<TopicPartition, OffsetAndMetadata> committed) {
        List<TopicPartition> partitions = new ArrayList<>();
        if (scope != null && scope.partitions() != null && !scope.partitions().isEmpty()) {
            for (int i = 0; i < scope.partitions().size(); i++) {
                if (scope.partitions().get(i) == null) {
                    throw new InvalidRequestException(Violation.atPointer("/scope/partitions/" + i,
                            "must be an object with a topic and a partition"));
                }
            }
            Map<String, TopicDescription> topics = describeTopics(
                    scope.partitions().stream().map(TopicPartitionRef::topic).distinct().toList(), "/scope/partitions");
            for (int i = 0; i < scope.partitions().size(); i++) {
                TopicPartitionRef ref = scope.partitions().get(i);
                if (ref.partition() == null || ref.partition() < 0
                        || ref.partition() >= topics.get(ref.topic()).partitions().size()) {
                    throw new InvalidRequestException(Violation.atPointer("/scope/partitions/" + i + "/partition",
                            "topic '" + ref.topic() + "' has " + topics.get(ref.topic()).partitions().size() + " partitions"));
                }
                partitions.add(new TopicPartition(ref.topic(), ref.partition()));
            }
        } else if (scope != null && scope.topics() != null && !scope.topics().isEmpty()) {
            describeTopics(scope.topics(), "/scope/topics").values().forEach(
                    topic -> topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition()))));
        } else {
            if (committed.isEmpty()) {
                throw new InvalidRequestException(Violation.atPointer("/scope",
                        "group '" + group + "' has no committed offsets; name the topics or partitions to set"));
            }
            partitions.addAll(committed.keySet());
        }
        partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition));
        return partitions.stream().distinct().toList();
    }

    private Map<String, TopicDescription> describeTopics(List<String> names, String pointer) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null || names.get(i).isBlank()) {
                throw new InvalidRequestException(Violation.atPointer(pointer + "/" + i, "a topic name is required"));
            }
        }
        try {
            return admin.describeTopics(names).allTopicNames().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new NotFoundException("Unknown topic among " + names + ".");
            }
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer in " + ADMIN_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ConsumerGroupDescription requireGroup(String group) {
        ConsumerGroupDescription description = describeOrNull(group);
        if (description == null) {
            throw new NotFoundException("No consumer group '" + group + "'.");
        }
        return description;
    }

    /** The group's description, or null when Kafka knows no such group (no members, no offsets). */
    private ConsumerGroupDescription describeOrNull(String group) {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(group);
            if (description.groupState() == GroupState.DEAD && committed(group).isEmpty()) {
                return null;
            }
            return description;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer in " + ADMIN_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).forEach((tp, offset) -> {
            if (offset != null) {
                committed.put(tp, offset);
            }
        });
        return committed;
    }

    private Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, OffsetSpec.latest());
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        get(admin.listOffsets(request).all()).forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private Map<String, Long> offsetsForTime(List<TopicPartition> partitions, Instant instant) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.forTimestamp(instant.toEpochMilli())));
        Map<String, Long> found = new HashMap<>();
        Map<TopicPartition, ListOffsetsResultInfo> result = get(admin.listOffsets(request).all());
        // Kafka answers -1 when no record is at or after the timestamp.
        result.forEach((tp, info) -> found.put(OffsetResetPlanner.key(tp.topic(), tp.partition()),
                info.offset() < 0 ? null : info.offset()));
        return found;
    }

    private static List<GroupMember> members(ConsumerGroupDescription description) {
        return description.members().stream().map(m -> new GroupMember(m.consumerId(), m.clientId(), m.host(),
                m.assignment().topicPartitions().stream().map(TopicPartition::toString).sorted().toList())).toList();
    }

    private static String stateOf(ConsumerGroupDescription description) {
        return description.groupState().toString();
    }

    static Instant parseDateTime(String value) {
        OffsetDateTime time = RequestValues.time(VALUE, value, new ArrayList<>());
        return valueOrRefusal(time, "to-datetime needs " + RequestValues.NOT_A_TIME.replace("must be ", "")).toInstant();
    }

    static Duration parseDuration(String value) {
        List<Violation> problems = new ArrayList<>();
        Duration duration = RequestValues.duration(VALUE, value, true, problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems.get(0).withMessage("by-duration: " + problems.get(0).message()));
        }
        return valueOrRefusal(duration, "by-duration needs an ISO-8601 duration, such as PT30M or P1DT2H");
    }

    private static <T> T valueOrRefusal(T value, String message) {
        if (value == null) {
            throw new InvalidRequestException(VALUE.withMessage(message));
        }
        return value;
    }

    /** How long recording an executed change may take (this service runs on workers: it waits for it). */
    private static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(10);

    /** How long an Admin call may take before the request is answered 503. */
    private static final long ADMIN_TIMEOUT_SECONDS = 30;
    private static final Violation VALUE = Violation.atPointer("/value", "");

    static long parseNumber(String value) {
        List<Violation> problems = new ArrayList<>();
        Long number = RequestValues.wholeNumber(VALUE, value, problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems.get(0));
        }
        return valueOrRefusal(number, "a whole number is required");
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka refused the request: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer in " + ADMIN_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The executed resets and copies, newest first, of one group or of all ({@code group} null). */
    public Uni<List<ConsumerGroupViews.OffsetChange>> changes(String group, long beforeId, int limit) {
        return changes.list(group, beforeId, limit);
    }
}
