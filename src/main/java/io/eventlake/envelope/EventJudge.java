package io.eventlake.envelope;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.compaction.CompactionRules;
import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.Violation;
import io.eventlake.event.Event;
import io.eventlake.metrics.IngestMetrics;
import io.eventlake.schema.EventValidator;
import io.eventlake.schema.EventValidator.Invalid;
import io.eventlake.schema.EventValidator.Valid;
import io.eventlake.schema.EventValidator.Verdict;

/**
 * Judges an extracted event the way the lake takes it: its stream's compaction rules (tombstone, ordering
 * version), then its type's schema. Shared by ingest and by the dead-letter redrive, so that a redriven record is
 * judged exactly as a new one.
 */
@ApplicationScoped
public class EventJudge {

    private final CompactionRules compaction;
    private final EventValidator validator;
    private final IngestMetrics metrics;
    private final Duration maxFutureSkew;
    private final Clock clock;

    @Inject
    public EventJudge(CompactionRules compaction, EventValidator validator, IngestMetrics metrics,
            EventLakeConfig config) {
        this(compaction, validator, metrics, config.ingest().maxFutureSkew(), Clock.systemUTC());
    }

    EventJudge(CompactionRules compaction, EventValidator validator, IngestMetrics metrics, Duration maxFutureSkew,
            Clock clock) {
        this.compaction = compaction;
        this.validator = validator;
        this.metrics = metrics;
        this.maxFutureSkew = maxFutureSkew;
        this.clock = clock;
    }

    /**
     * Why an event's time is refused, or empty: a time further ahead of this service's clock than the allowed
     * skew would make the event the latest of its key until then, so every real update before it would be
     * marked superseded.
     */
    public Optional<String> futureTimeProblem(OffsetDateTime time) {
        if (time == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!time.toInstant().isAfter(now.plus(maxFutureSkew))) {
            return Optional.empty();
        }
        return Optional.of("the event time " + time + " is " + Duration.between(now, time.toInstant()).withNanos(0)
                + " ahead of the service's clock; at most " + maxFutureSkew
                + " is allowed (eventlake.ingest.max-future-skew)");
    }

    /**
     * An extracted event as the lake takes it: marked as a tombstone or not, with the version that orders
     * it within its key, and checked against its type's schema (the version it matched is recorded; a
     * rejection carries every violation). Used by ingest and by the dead-letter redrive, against the current schemas.
     */
    public Extraction judged(Extraction extraction) {
        if (!(extraction instanceof Extraction.Extracted extracted)) {
            return extraction;
        }
        Optional<String> future = futureTimeProblem(extracted.event().time());
        if (future.isPresent()) {
            metrics.rejected(extracted.event().stream(), RejectionCode.TIME_IN_FUTURE.name());
            return new Extraction.Rejected(extraction.record(), RejectionCode.TIME_IN_FUTURE, future.get(),
                    List.of(Violation.atPointer("/time", future.get())), extracted.event().type());
        }
        boolean nullValue = extraction.record().value() == null;
        Extraction.Extracted ruled = extracted
                .withEvent(compaction.apply(extracted.event(), nullValue, extracted.parsedData()));
        if (ruled.event().tombstone() && ruled.event().data() == null) {
            // A delete without data (a Kafka tombstone): there is nothing to validate.
            return ruled;
        }
        return validated(ruled);
    }

    private Extraction validated(Extraction.Extracted extracted) {
        Event event = extracted.event();
        Verdict verdict = extracted.parsedData() != null
                ? validator.validateNode(event.type(), event.stream(), event.dataSchema(), extracted.parsedData())
                : validator.validate(event.type(), event.stream(), event.dataSchema(), event.data());
        if (verdict instanceof Valid valid) {
            return extracted.withEvent(event.withSchemaVersion(valid.version()));
        }
        if (verdict instanceof Invalid invalid) {
            metrics.rejected(event.stream(), invalid.refusal().name());
            return new Extraction.Rejected(extracted.record(), codeOf(invalid.refusal()), invalid.summary(),
                    invalid.violations(), event.type());
        }
        return extracted;
    }

    /** The dead-letter reason of a refusal by the schema registry. */
    static RejectionCode codeOf(EventValidator.Refusal refusal) {
        return switch (refusal) {
            case SCHEMA_VIOLATION -> RejectionCode.SCHEMA_VIOLATION;
            case UNKNOWN_TYPE -> RejectionCode.UNKNOWN_TYPE;
        };
    }
}
