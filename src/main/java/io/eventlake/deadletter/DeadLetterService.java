package io.eventlake.deadletter;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.deadletter.DeadLetterAction.Outcome;
import io.eventlake.deadletter.DeadLetterRepository.LockedDeadLetter;
import io.eventlake.deadletter.DeadLetterViews.BulkRedriveResult;
import io.eventlake.deadletter.DeadLetterViews.DeadLetterDetail;
import io.eventlake.deadletter.DeadLetterViews.DeadLetterPage;
import io.eventlake.deadletter.DeadLetterViews.DeadLetterSummary;
import io.eventlake.deadletter.DeadLetterViews.RedriveResult;
import io.eventlake.envelope.EnvelopeExtractor;
import io.eventlake.envelope.EventJudge;
import io.eventlake.envelope.Extraction;
import io.eventlake.envelope.IncomingRecord;
import io.eventlake.envelope.IncomingRecord.RecordHeader;
import io.eventlake.error.ConflictException;
import io.eventlake.error.NotFoundException;
import io.eventlake.event.Event;
import io.eventlake.event.EventKey;
import io.eventlake.event.RecordOrigin;
import io.eventlake.forward.Forwarder;
import io.eventlake.lake.LakeAppender;
import io.eventlake.lake.LakeWriteRepository;
import io.eventlake.logging.LogFields;
import io.eventlake.request.PageCursor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Operators' work on dead letters: list, inspect, redrive, discard. A redrive reads the original record
 * again, exactly as ingest would (envelope, then the <em>current</em> schema), and in one transaction with
 * the dead letter locked: appends the event to the lake (idempotent on source + id, and a record without an
 * id keeps its original topic/partition/offset id, so two redrives never make two events), marks the dead
 * letter {@code REDRIVING} and records who did it. Then it forwards the event and marks it {@code REDRIVEN}.
 * A crash or broker failure in between leaves it {@code REDRIVING}: redriving it again forwards it again
 * (at least once), never stores it twice.
 */
@ApplicationScoped
public class DeadLetterService {

    private static final Logger LOG = Logger.getLogger(DeadLetterService.class);

    @Inject
    Pool pool;

    @Inject
    DeadLetterRepository repository;

    @Inject
    EnvelopeExtractor extractor;

    @Inject
    LakeAppender appender;

    @Inject
    EventJudge judge;

    @Inject
    LakeWriteRepository lake;

    @Inject
    Forwarder forwarder;

    @Inject
    EventLakeConfig config;

    public Uni<DeadLetterPage> page(DeadLetterFilter filter, long afterId, int limit) {
        return repository.page(pool, filter, afterId, limit + 1).map(rows -> {
            boolean hasMore = rows.size() > limit;
            List<DeadLetterSummary> page = hasMore ? rows.subList(0, limit) : rows;
            long last = page.isEmpty() ? afterId : page.get(page.size() - 1).id();
            return new DeadLetterPage(page, PageCursor.encode(last), hasMore);
        });
    }

    public Uni<DeadLetterDetail> get(long id) {
        return repository.detail(pool, id).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    /** Redrives one dead letter; a still-invalid one stays PENDING with its new reason, and the attempt is recorded. */
    public Uni<RedriveResult> redrive(long id, String by) {
        return pool.withTransaction(connection -> repository.lock(connection, id).flatMap(found -> {
            LockedDeadLetter deadLetter = found.orElseThrow(() -> notFound(id));
            DeadLetterStatus status = deadLetter.summary().status();
            if (status == DeadLetterStatus.REDRIVEN || status == DeadLetterStatus.DISCARDED) {
                throw new ConflictException("Dead letter " + id + " is " + status + "; only PENDING or REDRIVING ones "
                        + "can be redriven.");
            }
            Extraction extraction = judge.judged(extractor.extract(toRecord(deadLetter)));
            if (extraction instanceof Extraction.Rejected rejected) {
                return repository.setReason(connection, id, rejected.code().name(), rejected.message(), rejected.violations())
                        .call(() -> repository.recordAction(connection, id, DeadLetterAction.REDRIVE, Outcome.STILL_INVALID,
                                rejected.message(),
                                null, by))
                        .replaceWith(
                                new Stored(null, new RedriveResult(id, RedriveOutcome.STILL_INVALID, null, rejected.message(),
                                        rejected.violations())));
            }
            Event event = ((Extraction.Extracted) extraction).event();
            return appender.append(connection, List.of(event))
                    .flatMap(appended -> {
                        if (appended.superseded().contains(EventKey.of(event))) {
                            // In the lake now, but older than its key's latest event: never forwarded.
                            return repository.setStatus(connection, id, DeadLetterStatus.REDRIVEN)
                                    .call(() -> repository.recordAction(connection, id, DeadLetterAction.REDRIVE,
                                            Outcome.SUPERSEDED,
                                            "stored in the history; its key already holds a newer event", event.id(), by))
                                    .replaceWith(new Stored(null,
                                            new RedriveResult(id, RedriveOutcome.REDRIVEN, event.id(), null, null)));
                        }
                        Long insertedSeq = appended.inserted().get(EventKey.of(event));
                        return (insertedSeq == null ? ourStoredCopy(connection, event) : Uni.createFrom().item(insertedSeq))
                                .flatMap(seq -> {
                                    boolean ours = seq != null;
                                    Outcome outcome = ours ? Outcome.STORED : Outcome.DUPLICATE;
                                    DeadLetterStatus next = ours ? DeadLetterStatus.REDRIVING : DeadLetterStatus.REDRIVEN;
                                    return repository.setStatus(connection, id, next)
                                            .call(() -> repository.recordAction(connection, id, DeadLetterAction.REDRIVE,
                                                    outcome,
                                                    ours ? null
                                                            : "another event with this source and id is already in the lake",
                                                    event.id(), by))
                                            .replaceWith(new Stored(ours ? event.withLakeSeq(seq) : null,
                                                    new RedriveResult(id,
                                                            ours ? RedriveOutcome.REDRIVEN : RedriveOutcome.DUPLICATE,
                                                            event.id(), null,
                                                            null)));
                                });
                    });
        })).flatMap(stored ->

        {
            if (stored.toForward() == null) {
                return Uni.createFrom().item(stored.result());
            }
            // Durable in the lake; now forward, then confirm. A failure here leaves it REDRIVING.
            return forwarder.forward(List.of(stored.toForward()))
                    .flatMap(x -> pool.withConnection(c -> repository.setStatus(c, id, DeadLetterStatus.REDRIVEN)))
                    .invoke(() -> {
                        try (var fields = LogFields.of(LogFields.DEAD_LETTER, id, LogFields.EVENT_ID,
                                stored.toForward().id())) {
                            LOG.infof("EL0401 dead letter %d redriven as event %s by %s", id, stored.toForward().id(), by);
                        }
                    })
                    .replaceWith(stored.result());
        });
    }

    /**
     * Counts (dry run) or redrives the PENDING or REDRIVING dead letters the filter matches after {@code afterId}: at
     * most {@code batch} of them, in id order, one after the other. The caller goes on after the returned
     * {@code lastId} while {@code more}: one that stays invalid stays PENDING, so the next call must not read it again.
     */
    public Uni<BulkRedriveResult> redriveAll(DeadLetterFilter filter, boolean execute, long afterId, int batch,
            String by) {
        List<DeadLetterFilter> filters = redrivable(filter);
        Uni<Matched> matched = Uni.createFrom().item(new Matched(0, false));
        for (DeadLetterFilter f : filters) {
            matched = matched.flatMap(sum -> matched(f, afterId).map(sum::plus));
        }
        if (!execute) {
            return matched.map(n -> new BulkRedriveResult(false, n.count(), n.estimated(), 0, 0, 0, null, false));
        }
        return matched.flatMap(n -> nextBatch(filters, afterId, batch).flatMap(next -> {
            boolean more = next.size() > batch;
            List<Long> ids = more ? next.subList(0, batch) : next;
            Tally tally = new Tally();
            Long lastId = ids.isEmpty() ? null : ids.get(ids.size() - 1);
            // One after the other, each when the last is done.
            return Multi.createFrom().iterable(ids)
                    .onItem().transformToUniAndConcatenate(id -> redrive(id, by)
                            .invoke(result -> tally.count(result.outcome()))
                            // Another operator got there first: nothing to do for this one.
                            .onFailure(ConflictException.class).recoverWithNull().replaceWithVoid())
                    .collect().last()
                    .map(x -> new BulkRedriveResult(true, n.count(), n.estimated(), tally.redriven, tally.stillInvalid,
                            tally.duplicates, lastId, more));
        }));
    }

    /**
     * How many dead letters after {@code afterId} the filter matches: counted up to
     * {@code eventlake.dead-letter.exact-count-limit}, and beyond it the planner's estimate (never fewer than were
     * counted), so that a dry run, and every call of a redrive going through millions, reads a bounded number of rows.
     */
    private Uni<Matched> matched(DeadLetterFilter filter, long afterId) {
        long limit = config.deadLetter().exactCountLimit();
        return repository.countUpTo(pool, filter, afterId, limit + 1).flatMap(counted -> counted <= limit
                ? Uni.createFrom().item(new Matched(counted, false))
                : repository.plannedCount(pool, filter, afterId).map(planned -> new Matched(Math.max(counted, planned), true)));
    }

    /** Dead letters a filter matches; {@code estimated}: more than could be counted, the figure is an estimate. */
    private record Matched(long count, boolean estimated) {
        Matched plus(Matched other) {
            return new Matched(count + other.count, estimated || other.estimated);
        }
    }

    /** The ids of the first {@code batch} + 1 dead letters after {@code afterId} that any of the filters match. */
    private Uni<List<Long>> nextBatch(List<DeadLetterFilter> filters, long afterId, int batch) {
        Uni<List<Long>> ids = Uni.createFrom().item(new ArrayList<>());
        for (DeadLetterFilter f : filters) {
            ids = ids.flatMap(found -> repository.page(pool, f, afterId, batch + 1).map(page -> {
                page.forEach(summary -> found.add(summary.id()));
                return found;
            }));
        }
        return ids.map(found -> found.stream().sorted().limit(batch + 1L).toList());
    }

    /** Discards a dead letter (idempotent); one that was redriven cannot be discarded. */
    public Uni<DeadLetterDetail> discard(long id, String by) {
        return pool.withTransaction(connection -> repository.lock(connection, id).flatMap(found -> {
            LockedDeadLetter deadLetter = found.orElseThrow(() -> notFound(id));
            DeadLetterStatus status = deadLetter.summary().status();
            if (status == DeadLetterStatus.DISCARDED) {
                return Uni.createFrom().voidItem();
            }
            if (status != DeadLetterStatus.PENDING) {
                throw new ConflictException("Dead letter " + id + " is " + status + ": its event is in the lake; "
                        + "only PENDING dead letters can be discarded.");
            }
            return repository.setStatus(connection, id, DeadLetterStatus.DISCARDED)
                    .call(() -> repository.recordAction(connection, id, DeadLetterAction.DISCARD, Outcome.DISCARDED, null, null,
                            by));
        })).flatMap(x -> get(id));
    }

    /**
     * The lake position of this event if an earlier redrive of this very dead letter stored it (same origin):
     * ours, to be forwarded again; null when another record holds its source and id.
     */
    private Uni<Long> ourStoredCopy(SqlConnection connection, Event event) {
        return lake.originsOf(connection, Set.of(EventKey.of(event))).map(origins -> {
            LakeWriteRepository.StoredOrigin stored = origins.get(EventKey.of(event));
            return stored != null && event.origin().equals(stored.origin()) ? stored.seq() : null;
        });
    }

    /** The filter restricted to the statuses a redrive applies to (the caller's status, if any, must be one). */
    private static List<DeadLetterFilter> redrivable(DeadLetterFilter f) {
        List<DeadLetterFilter> filters = new ArrayList<>();
        for (DeadLetterStatus status : List.of(DeadLetterStatus.PENDING, DeadLetterStatus.REDRIVING)) {
            if (f.status() == null || f.status().equals(status.name())) {
                filters.add(new DeadLetterFilter(f.type(), f.reason(), status.name(), f.from(), f.to()));
            }
        }
        return filters;
    }

    static IncomingRecord toRecord(LockedDeadLetter d) {
        DeadLetterSummary s = d.summary();
        List<RecordHeader> headers = NewDeadLetterRepository.headersFromJson(d.headersJson());
        long timestamp = d.recordTimestamp() == null ? -1 : d.recordTimestamp().toInstant().toEpochMilli();
        return new IncomingRecord(new RecordOrigin(s.sourceTopic(), s.sourcePartition(), s.sourceOffset()), d.key(),
                d.payload(), headers, timestamp);
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("No dead letter with id " + id + ".");
    }

    private record Stored(Event toForward, RedriveResult result) {
    }

    private static final class Tally {
        long redriven, stillInvalid, duplicates;

        void count(RedriveOutcome outcome) {
            switch (outcome) {
                case REDRIVEN -> redriven++;
                case STILL_INVALID -> stillInvalid++;
                case DUPLICATE -> duplicates++;
            }
        }
    }
}
