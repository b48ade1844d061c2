package io.eventlake.compaction;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.event.Event;

/**
 * Applies a stream's compaction settings to one of its events: is it a delete (tombstone) of its key, and
 * which version orders it among the key's events. Pure CPU work, on the ingest path.
 */
@ApplicationScoped
public class CompactionRules {

    @Inject
    EventLakeConfig config;

    @Inject
    ObjectMapper mapper;

    /** The key of the settings every unconfigured stream shares; no stream name is empty. */
    private static final String DEFAULTS = "";

    private final Map<String, Optional<VersionField>> versionFields = new ConcurrentHashMap<>();

    /**
     * The event with its tombstone flag and version. {@code nullValue}: it came as a Kafka record with a
     * null value. {@code parsedData}: its data as a tree, if the extractor built one (else parsed here).
     */
    public Event apply(Event event, boolean nullValue, JsonNode parsedData) {
        boolean tombstone = isTombstone(event, nullValue);
        // Keyed by the configured streams only (every other stream has the default): producers choose streams,
        // and a cache keyed by their names would grow with them.
        String settingsOf = config.compaction().streams().containsKey(event.stream()) ? event.stream() : DEFAULTS;
        Optional<VersionField> field = versionFields.computeIfAbsent(settingsOf,
                stream -> config.compaction().versionFieldOf(stream).map(VersionField::new));
        BigDecimal version = field.isEmpty() || event.data() == null ? null
                : field.get().read(parsedData != null ? parsedData : parse(event.data()));
        return event.withCompaction(tombstone, version);
    }

    private boolean isTombstone(Event event, boolean nullValue) {
        if (nullValue && config.compaction().nullValueIsTombstoneOf(event.stream())) {
            return true;
        }
        List<String> suffixes = config.compaction().tombstoneSuffixesOf(event.stream());
        for (String suffix : suffixes) {
            if (!suffix.isEmpty() && event.type().endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode parse(String data) {
        try {
            return mapper.readTree(data);
        } catch (JsonProcessingException e) {
            // The extractor only lets JSON through; an unreadable payload simply has no version.
            return null;
        }
    }
}
