package io.eventlake.offsets;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The recent lag samples of every sampled consumer group, its status judged over them ({@link GroupStatusJudge}),
 * and the gauges that show both:
 * <ul>
 * <li>{@code eventlake.consumer_group.lag{group,topic}}: records the group has still to read on the topic;</li>
 * <li>{@code eventlake.consumer_group.lag_seconds{group,topic}}: how old the oldest record it has not read on the
 * topic is (NaN while no such record could be read);</li>
 * <li>{@code eventlake.consumer_group.status{group,status}}: 1 for the group's status, 0 for the other three.</li>
 * </ul>
 * A group's series go when the group does. The {@code group}-{@code topic} series are bounded by
 * {@code eventlake.metrics.max-tag-values}.
 */
@ApplicationScoped
public class GroupLagHistory {

    private static final Logger LOG = Logger.getLogger(GroupLagHistory.class);

    /** A group's status and lag in seconds (the largest of its topics'; null while unknown) as of a sample. */
    public record Judged(GroupStatus status, Long lagSeconds, Instant at) {
    }

    /** One sampled group: where it stood, and per topic how old its oldest unread record was (absent: unknown). */
    public record Reading(GroupPosition position, Map<String, Long> lagSecondsByTopic) {
    }

    private final MeterRegistry registry;
    private final Duration window;
    private final int maxTopicSeries;
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    private int topicSeries;
    private boolean topicSeriesCapped;

    @Inject
    public GroupLagHistory(MeterRegistry registry, EventLakeConfig config) {
        this.registry = registry;
        this.window = config.consumerGroups().statusWindow();
        this.maxTopicSeries = config.metrics().maxTagValues();
    }

    /** The group's status as last judged, if it was sampled. */
    public Optional<Judged> latest(String group) {
        Track track = tracks.get(group);
        return track == null ? Optional.empty() : Optional.ofNullable(track.judged);
    }

    /** Adds a sample of every sampled group; a group missing from it is forgotten, its series removed. */
    synchronized void record(Instant at, List<Reading> readings) {
        Set<String> seen = new HashSet<>();
        for (Reading reading : readings) {
            GroupPosition position = reading.position();
            seen.add(position.groupId());
            tracks.computeIfAbsent(position.groupId(), Track::new).add(at, reading);
        }
        tracks.entrySet().removeIf(entry -> {
            if (seen.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().forget();
            return true;
        });
    }

    private final class Track {
        private final String group;
        /** Oldest first; about a window's worth (the window divided by the sample interval, plus one). */
        private final List<LagSample> samples = new ArrayList<>();
        private final Map<GroupStatus, AtomicLong> statusValues = new EnumMap<>(GroupStatus.class);
        private final Map<String, TopicGauges> topics = new HashMap<>();
        private final List<Meter> statusMeters = new ArrayList<>();
        private volatile Judged judged;

        Track(String group) {
            this.group = group;
            for (GroupStatus status : GroupStatus.values()) {
                AtomicLong value = new AtomicLong();
                statusValues.put(status, value);
                statusMeters.add(Gauge.builder("eventlake.consumer_group.status", value, AtomicLong::get)
                        .description("1 for the consumer group's status (OK, WARN, STALLED, STOPPED), 0 for the others")
                        .tags("group", group, "status", status.name()).register(registry));
            }
        }

        void add(Instant at, Reading reading) {
            GroupPosition position = reading.position();
            Map<TopicPartition, Long> lag = position.lag();
            samples.add(new LagSample(at, position.members(), Map.copyOf(position.committed()), lag));
            // Keep the newest sample taken at or before the window's start, so the samples span the window.
            Instant windowStart = at.minus(window);
            while (samples.size() > 2 && !samples.get(1).at().isAfter(windowStart)) {
                samples.remove(0);
            }
            GroupStatus status = GroupStatusJudge.judge(List.copyOf(samples), window);
            statusValues.forEach((candidate, value) -> value.set(candidate == status ? 1 : 0));

            Map<String, Long> lagByTopic = new HashMap<>();
            lag.forEach((tp, records) -> lagByTopic.merge(tp.topic(), records, Long::sum));
            Map<String, Long> seconds = reading.lagSecondsByTopic();
            lagByTopic.forEach((topic, records) -> {
                TopicGauges gauges = topics.computeIfAbsent(topic, this::topicGauges);
                // null beyond the series limit
                if (gauges != null) {
                    gauges.set(records, records == 0 ? Long.valueOf(0) : seconds.get(topic));
                }
            });
            topics.entrySet().removeIf(entry -> {
                if (lagByTopic.containsKey(entry.getKey())) {
                    return false;
                }
                entry.getValue().remove();
                return true;
            });
            judged = new Judged(status, worstLagSeconds(lagByTopic, seconds), at);
        }

        /** The largest lag in seconds of the group's topics; 0 when it lags nowhere, null when none is known. */
        private static Long worstLagSeconds(Map<String, Long> lagByTopic, Map<String, Long> seconds) {
            Long worst = null;
            for (var entry : lagByTopic.entrySet()) {
                Long topicSeconds = entry.getValue() == 0 ? Long.valueOf(0) : seconds.get(entry.getKey());
                if (topicSeconds != null && (worst == null || topicSeconds > worst)) {
                    worst = topicSeconds;
                }
            }
            return lagByTopic.isEmpty() ? Long.valueOf(0) : worst;
        }

        /** The topic's gauges, or null beyond the series limit (then asked again at the next sample). */
        private TopicGauges topicGauges(String topic) {
            if (topicSeries >= maxTopicSeries) {
                if (!topicSeriesCapped) {
                    topicSeriesCapped = true;
                    LOG.warnf("EL1002 consumer-group lag has %d group-topic series (eventlake.metrics.max-tag-values); "
                            + "%s on %s and later ones get no lag gauges (their status still has one)", maxTopicSeries,
                            group, topic);
                }
                return null;
            }
            topicSeries++;
            return new TopicGauges(group, topic);
        }

        void forget() {
            statusMeters.forEach(registry::remove);
            topics.values().forEach(TopicGauges::remove);
        }
    }

    private final class TopicGauges {
        private final AtomicLong records = new AtomicLong();
        /** The lag in seconds as the bits of a double, NaN while unknown. */
        private final AtomicLong secondsBits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
        private final List<Meter> meters;

        TopicGauges(String group, String topic) {
            meters = List.of(
                    Gauge.builder("eventlake.consumer_group.lag", records, AtomicLong::get)
                            .description("Records the consumer group has still to read on the topic")
                            .tags("group", group, "topic", topic).register(registry),
                    Gauge.builder("eventlake.consumer_group.lag_seconds", secondsBits,
                            bits -> Double.longBitsToDouble(bits.get()))
                            .description("How old the oldest record the consumer group has not read on the topic is, "
                                    + "in seconds")
                            .tags("group", group, "topic", topic).register(registry));
        }

        void set(long lag, Long seconds) {
            records.set(lag);
            if (seconds != null) {
                secondsBits.set(Double.doubleToLongBits(seconds));
            }
        }

        void remove() {
            meters.forEach(registry::remove);
            topicSeries--;
        }
    }
}
