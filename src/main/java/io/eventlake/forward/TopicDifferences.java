package io.eventlake.forward;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What differs between an existing topic and its configured settings, one sentence per difference, each
 * saying what to do about it. Pure, so every rule is unit-tested.
 */
public final class TopicDifferences {

    private TopicDifferences() {
    }

    /** The expected settings; empty ones are not checked. */
    public record Expected(OptionalInt partitions, boolean compacted, Optional<Duration> retention) {
    }

    /** The broker's view of the topic ({@code retentionMs} -1: unlimited). */
    public record Actual(int partitions, String cleanupPolicy, long retentionMs) {
    }

    public static List<String> between(String topic, Expected expected, Actual actual) {
        List<String> differences = new ArrayList<>();
        if (expected.partitions().isPresent() && expected.partitions().getAsInt() != actual.partitions()) {
            differences.add("topic '" + topic + "' has " + actual.partitions() + " partitions, configured "
                    + expected.partitions().getAsInt()
                    + (expected.partitions().getAsInt() > actual.partitions()
                            ? " (add them with kafka-topics --alter --partitions, knowing that keys move to other partitions)"
                            : " (partitions cannot be removed: use a new topic or change the setting)"));
        }
        boolean compacted = actual.cleanupPolicy() != null && actual.cleanupPolicy().contains("compact");
        if (expected.compacted() != compacted) {
            differences.add("topic '" + topic + "' has cleanup.policy=" + actual.cleanupPolicy() + ", configured "
                    + (expected.compacted() ? "compacted (cleanup.policy=compact)" : "not compacted (cleanup.policy=delete)"));
        }
        if (expected.retention().isPresent() && expected.retention().get().toMillis() != actual.retentionMs()) {
            differences.add("topic '" + topic + "' has retention.ms=" + actual.retentionMs() + ", configured "
                    + expected.retention().get().toMillis() + " (" + expected.retention().get() + ")");
        }
        return differences;
    }
}
