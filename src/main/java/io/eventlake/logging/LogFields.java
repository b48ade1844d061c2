package io.eventlake.logging;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.MDC;

/**
 * Fields of the log lines written while it is open, in the MDC: {@code try (var fields = LogFields.of(JOB, id)) {
 * LOG.info(...); }}. Closing it puts back what the MDC held before, so fields never leak onto later lines; that also
 * holds on Vert.x threads, where Quarkus keeps the MDC in the current context. Open it around the logging of one step,
 * not across an asynchronous boundary.
 */
public final class LogFields implements AutoCloseable {

    /** The event's id, as producers gave it. */
    public static final String EVENT_ID = "eventId";
    /** The stream an event, a run or a job belongs to. */
    public static final String STREAM = "stream";
    /** An ingest batch: its partitions and offset ranges, such as {@code ingest.rentals-0@120..179}. */
    public static final String BATCH = "batch";
    /** A replay or backfill job's id. */
    public static final String JOB = "job";
    /** A history compaction run's id. */
    public static final String COMPACTION_RUN = "compactionRun";
    /** A dead letter's id. */
    public static final String DEAD_LETTER = "deadLetter";

    private final Map<String, Object> previous = new LinkedHashMap<>();

    private LogFields() {
    }

    public static LogFields of(String key, Object value) {
        return new LogFields().and(key, value);
    }

    public static LogFields of(String key, Object value, String otherKey, Object otherValue) {
        return of(key, value).and(otherKey, otherValue);
    }

    /** Adds a field (a null value adds nothing). */
    public LogFields and(String key, Object value) {
        if (value != null && !previous.containsKey(key)) {
            previous.put(key, MDC.put(key, String.valueOf(value)));
        }
        return this;
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
        previous.clear();
    }
}
