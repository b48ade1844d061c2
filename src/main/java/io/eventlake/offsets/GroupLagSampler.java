package io.eventlake.offsets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Samples every consumer group's lag from the broker every {@code eventlake.consumer-groups.sample-interval}, whether
 * or not the group commits, and hands the readings to {@link GroupLagHistory}: their committed offsets beside the
 * log ends, and for each partition a group lags on, the timestamp of the first record it has not read. That
 * timestamp is read once per partition and committed offset: a group whose offset did not move costs no read.
 * <p>
 * At most {@code eventlake.consumer-groups.max-groups} groups, the service's ingest group first. Runs on a thread of
 * its own: the Admin calls and record reads block, and must never hold up a worker or the event loop.
 */
@ApplicationScoped
public class GroupLagSampler {

    private static final Logger LOG = Logger.getLogger(GroupLagSampler.class);

    /** Record reads one sample may make at most; partitions beyond it keep their last lag in seconds. */
    static final int MAX_TIMESTAMP_READS = 100;

    private final ConsumerGroupService groups;
    private final RecordTimestamps timestamps;
    private final GroupLagHistory history;
    private final EventLakeConfig config;
    private final String ingestGroup;
    private ScheduledExecutorService scheduler;
    private boolean groupsCapped;
    /** The first unread record's timestamp per partition and offset, from the last sample (empty: unreadable). */
    private Map<PartitionOffset, Optional<Long>> firstUnread = new HashMap<>();

    private record PartitionOffset(TopicPartition partition, long offset) {
    }

    @Inject
    public GroupLagSampler(ConsumerGroupService groups, RecordTimestamps timestamps, GroupLagHistory history,
            EventLakeConfig config, @ConfigProperty(name = "mp.messaging.incoming.ingest.group.id") String ingestGroup) {
        this.groups = groups;
        this.timestamps = timestamps;
        this.history = history;
        this.config = config;
        this.ingestGroup = ingestGroup;
    }

    void start(@Observes StartupEvent event) {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "eventlake-group-lag");
            thread.setDaemon(true);
            return thread;
        });
        long interval = config.consumerGroups().sampleInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::sampleQuietly, 0, interval, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            // The broker away: the gauges keep their last values and the next sample tries again.
            LOG.debugf("consumer-group lag not sampled: %s", e.getMessage());
        }
    }

    void sample() {
        Instant now = Instant.now();
        List<GroupPosition> positions = groups.positions(chosen(groups.groupIds()));
        Map<PartitionOffset, Optional<Long>> read = new HashMap<>();
        int reads = 0;
        List<GroupLagHistory.Reading> readings = new ArrayList<>();
        for (GroupPosition position : positions) {
            Map<String, Long> secondsByTopic = new HashMap<>();
            for (var entry : position.lag().entrySet()) {
                if (entry.getValue() == 0) {
                    continue;
                }
                PartitionOffset key = new PartitionOffset(entry.getKey(), position.committed().get(entry.getKey()));
                Optional<Long> timestamp = read.get(key);
                if (timestamp == null) {
                    timestamp = firstUnread.get(key);
                }
                if (timestamp == null && reads < MAX_TIMESTAMP_READS) {
                    reads++;
                    timestamp = Optional.ofNullable(timestamps.timestampAt(key.partition(), key.offset()));
                }
                if (timestamp != null) {
                    read.put(key, timestamp);
                    timestamp.ifPresent(at -> secondsByTopic.merge(key.partition().topic(),
                            Math.max(0, (now.toEpochMilli() - at) / 1000), Math::max));
                }
            }
            readings.add(new GroupLagHistory.Reading(position, secondsByTopic));
        }
        firstUnread = read;
        history.record(now, readings);
    }

    /** The groups to sample: the ingest group first, then the others by name, at most {@code max-groups}. */
    private List<String> chosen(List<String> all) {
        List<String> chosen = new ArrayList<>();
        if (all.contains(ingestGroup)) {
            chosen.add(ingestGroup);
        }
        all.stream().filter(group -> !group.equals(ingestGroup)).forEach(chosen::add);
        int max = config.consumerGroups().maxGroups();
        if (chosen.size() > max) {
            if (!groupsCapped) {
                groupsCapped = true;
                LOG.warnf("EL1002 %d consumer groups, %d sampled (eventlake.consumer-groups.max-groups): the others "
                        + "have no lag gauges or status", chosen.size(), max);
            }
            return chosen.subList(0, max);
        }
        return chosen;
    }
}
