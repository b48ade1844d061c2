package io.eventlake.metrics;

import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.config.EventLakeConfig;

/**
 * Tag values from names outside the service's control, bounded ({@code eventlake.metrics.max-tag-values}): every
 * meter tagged with a stream or a replay's target topic takes its value from here.
 */
@ApplicationScoped
public class MeterTags {

    private final TagValues streams;
    private final TagValues targets;

    @Inject
    public MeterTags(EventLakeConfig config) {
        Set<String> configuredStreams = new HashSet<>(config.schema().streams().keySet());
        configuredStreams.addAll(config.compaction().streams().keySet());
        int limit = config.metrics().maxTagValues();
        this.streams = new TagValues("stream", configuredStreams, limit);
        this.targets = new TagValues("target", Set.of(), limit);
    }

    /** The {@code stream} tag of this stream. */
    public String stream(String stream) {
        return streams.of(stream);
    }

    /** The {@code target} tag of a replay's target topic. */
    public String target(String topic) {
        return targets.of(topic);
    }
}
