package io.eventlake.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.deadletter.DeadLetterPublisher;
import io.eventlake.deadletter.NewDeadLetter;
import io.eventlake.deadletter.NewDeadLetterRepository;
import io.eventlake.envelope.EnvelopeExtractor;
import io.eventlake.envelope.EventJudge;
import io.eventlake.envelope.Extraction;
import io.eventlake.envelope.IncomingRecord;
import io.eventlake.envelope.RejectionCode;
import io.eventlake.event.Event;
import io.eventlake.event.EventKey;
import io.eventlake.forward.ForwardCheckpointRepository;
import io.eventlake.forward.Forwarder;
import io.eventlake.forward.TopicPartitionKey;
import io.eventlake.lake.LakeAppender;
import io.eventlake.lake.LakeWriteRepository;
import io.eventlake.logging.LogFields;
import io.eventlake.metrics.IngestMetrics;
import io.eventlake.schema.EventValidator;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;

/**
 * The ingest pipeline for one batch of records, in three steps. {@link #store}: extract the events, store them
 * and the dead letters (in one transaction per store lane). {@link #send}: forward what is new, publish the
 * dead-letter copies. {@link #recordForwarded}: record how far each partition was forwarded. The caller
 * acknowledges the batch to Kafka only once all three succeeded, so every step is safe to repeat: a retried or redelivered
 * batch stores nothing twice
 * and forwards nothing twice.
 */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);

    private final Pool pool;
    private final EnvelopeExtractor extractor;
    private final LakeWriteRepository lake;
    private final LakeAppender appender;
    private final EventJudge judge;
    private final NewDeadLetterRepository newDeadLetters;
    private final DeadLetterPublisher deadLetterPublisher;
    private final Forwarder forwarder;
    private final ForwardCheckpointRepository checkpoints;
    private final IngestMetrics metrics;
    private final EventValidator validator;
    private final EventLakeConfig config;
    /** The ingest channel's consumer group, recorded with each dead letter. */
    private final String consumerGroup;

    @Inject
    public IngestService(Pool pool,
            EnvelopeExtractor extractor,
            LakeWriteRepository lake,
            LakeAppender appender,
            EventJudge judge,
            NewDeadLetterRepository newDeadLetters,
            DeadLetterPublisher deadLetterPublisher,
            Forwarder forwarder,
            ForwardCheckpointRepository checkpoints,
            IngestMetrics metrics,
            EventValidator validator,
            EventLakeConfig config,
            @ConfigProperty(name = "mp.messaging.incoming.ingest.group.id") String consumerGroup) {
        this.pool = pool;
        this.extractor = extractor;
        this.lake = lake;
        this.appender = appender;
        this.judge = judge;
        this.newDeadLetters = newDeadLetters;
        this.deadLetterPublisher = deadLetterPublisher;
        this.forwarder = forwarder;
        this.checkpoints = checkpoints;
        this.metrics = metrics;
        this.validator = validator;
        this.config = config;
        this.consumerGroup = consumerGroup;
    }

    /**
     * Reads and judges a batch before it is stored: extracts each record's event, applies its stream's
     * compaction rules and validates it. Pure CPU work (no I/O), so it can run on a worker thread while the
     * previous batch is being stored; call it only once {@link #ready()} completed.
     */
    public List<Extraction> prepare(List<IncomingRecord> records) {
        List<Extraction> extractions = new ArrayList<>(records.size());
        for (IncomingRecord record : records) {
            extractions.add(judge.judged(extractor.extract(record)));
        }
        return extractions;
    }

    /** Completes once the schemas are loaded: events are judged only after it. */
    public Uni<Void> ready() {
        return validator.ready();
    }

    /**
     * Stores a prepared batch: its events in the lake and the latest-per-key view, and its dead letters. The batch
     * is split into {@code eventlake.ingest.store-lanes} parts by partition ({@link StoreLanes}), each stored in its own
     * transaction, all at once; it is stored when every lane committed. What is then to be forwarded and
     * published is in the returned plan; nothing has been sent yet. A lane that fails fails the store once the
     * others ended, and the caller stores the whole batch again: what a lane committed is then found in the lake
     * (stored, not yet forwarded) and forwarded as a redelivery would be.
     */
    public Uni<StorePlan> store(List<IncomingRecord> records, List<Extraction> extractions) {
        long start = System.nanoTime();
        List<List<Extraction>> lanes = StoreLanes.split(extractions, config.ingest().storeLanes());
        Uni<StorePlan> stored = lanes.size() == 1 ? storeLane(lanes.get(0))
                : Uni.join().all(lanes.stream().map(this::storeLane).toList()).andCollectFailures().map(StorePlan::merge);
        return stored
                .invoke(() -> metrics.lakeWrite(System.nanoTime() - start))
                .map(plan -> plan.withForwardedUpTo(highestOffsets(records)));
    }

    private Uni<StorePlan> storeLane(List<Extraction> extractions) {
        return storeExtracted(extractions)
                // One event PostgreSQL refuses (say a JSON string with \u0000) must not block the batch:
                // find it, dead-letter it, store the rest.
                .onFailure(IngestService::isDataException)
                .recoverWithUni(failure -> isolateUnstorable(extractions).flatMap(this::storeExtracted));
    }

    /**
     * Sends what a stored batch holds for Kafka: its new events to their clean topics, its dead letters to
     * the dead-letter topic. Completes once the broker acknowledged them; then {@link #recordForwarded} records
     * it. {@code arrivedAt}: when the batch reached the service (epoch milliseconds), for the latency the service
     * itself adds. Retried as a whole by the caller: a step that completed is not done again, and an event step
     * that failed part-way is sent again only for what the broker does not hold yet.
     */
    public Uni<Void> send(StorePlan plan, long arrivedAt) {
        ForwardProgress progress = new ForwardProgress(plan.resentSince());
        Uni<Void> events = Uni.createFrom().deferred(() -> {
            if (progress.eventsSent) {
                return Uni.createFrom().voidItem();
            }
            long start = System.nanoTime();
            Instant attemptStart = Instant.now();
            return forwarder.forward(plan.toForward(), progress.resentSince)
                    .invoke(() -> metrics.forward(System.nanoTime() - start, plan.toForward(), arrivedAt))
                    .invoke(() -> progress.eventsSent = true)
                    .onFailure().invoke(failure -> progress.failedAttemptStarted(attemptStart));
        });
        Uni<Void> deadLetters = Uni.createFrom().deferred(() -> progress.deadLettersPublished ? Uni.createFrom().voidItem()
                : deadLetterPublisher.publish(plan.deadLettersToPublish(), plan.deadLetterAttempts())
                        .invoke(() -> progress.deadLettersPublished = true));
        return events.flatMap(x -> deadLetters);
    }

    /**
     * Records how far each of a sent batch's partitions has been forwarded, and counts the batch. Not on the
     * path of the next batch's send: a crash between a send and its checkpoint only means the batch is
     * redelivered, found stored, and looked for on the broker before anything is sent again.
     */
    public Uni<IngestOutcome> recordForwarded(StorePlan plan) {
        return checkpoints.advance(plan.forwardedUpTo())
                .replaceWith(plan.outcome())
                .invoke(outcome -> outcome.reportTo(metrics));
    }

    /** How far the forward of one batch got over its attempts. */
    private static final class ForwardProgress {
        volatile boolean eventsSent;
        volatile boolean deadLettersPublished;
        /** Since when some events may be on the broker already: null while none can be. */
        volatile Instant resentSince;

        ForwardProgress(Instant resentSince) {
            this.resentSince = resentSince;
        }

        void failedAttemptStarted(Instant attemptStart) {
            if (resentSince == null || attemptStart.isBefore(resentSince)) {
                resentSince = attemptStart;
            }
        }
    }

    private Uni<StorePlan> storeExtracted(List<Extraction> extractions) {
        List<Event> events = new ArrayList<>(extractions.size());
        List<NewDeadLetter> deadLetters = new ArrayList<>();
        for (Extraction extraction : extractions) {
            if (extraction instanceof Extraction.Extracted extracted) {
                events.add(extracted.event());
            } else if (extraction instanceof Extraction.Rejected rejected) {
                deadLetters.add(toDeadLetter(rejected));
            }
        }
        return pool.withTransaction(connection -> appender.append(connection, events)
                .flatMap(appended -> newDeadLetters.record(connection, deadLetters)
                        .flatMap(attempts -> plan(connection, events, appended, deadLetters, attempts))));
    }

    private Uni<StorePlan> plan(SqlConnection connection, List<Event> events, LakeAppender.Result appended,
            List<NewDeadLetter> deadLetters, List<Integer> attempts) {
        List<EventKey> notInserted = events.stream().map(EventKey::of).filter(k -> !appended.inserted().containsKey(k))
                .toList();
        boolean redelivered = !notInserted.isEmpty() || attempts.stream().anyMatch(a -> a > 1);
        if (!redelivered) {
            // The common case: everything is new, so everything goes on.
            return Uni.createFrom().item(RedeliveryPlan.of(events, appended, Map.of(), Map.of(), deadLetters, attempts));
        }
        Set<TopicPartitionKey> partitions = new HashSet<>();
        events.forEach(e -> partitions.add(TopicPartitionKey.of(e.origin())));
        deadLetters.forEach(d -> partitions.add(TopicPartitionKey.of(d.origin())));
        return lake.originsOf(connection, notInserted)
                .flatMap(origins -> checkpoints.load(connection, partitions)
                        .map(forwarded -> RedeliveryPlan.of(events, appended, origins, forwarded, deadLetters, attempts)));
    }

    /** Tries each event alone in a transaction that is rolled back; those PostgreSQL refuses become dead letters. */
    private Uni<List<Extraction>> isolateUnstorable(List<Extraction> extractions) {
        return Multi.createFrom().iterable(extractions)
                .onItem().transformToUniAndConcatenate(extraction -> {
                    if (!(extraction instanceof Extraction.Extracted extracted)) {
                        return Uni.createFrom().item(extraction);
                    }
                    return pool.withTransaction(connection -> lake.insert(connection, List.of(extracted.event()))
                            .flatMap(ignored -> Uni.createFrom().<Extraction> failure(new ProbeRolledBack())))
                            .onFailure(ProbeRolledBack.class).recoverWithItem(extraction)
                            .onFailure(IngestService::isDataException).recoverWithItem(failure -> {
                                try (var fields = LogFields.of(LogFields.EVENT_ID, extracted.event().id(),
                                        LogFields.STREAM, extracted.event().stream())) {
                                    LOG.warnf("EL0101 event %s from %s refused by PostgreSQL: %s", extracted.event().id(),
                                            extracted.event().origin(), failure.getMessage());
                                }
                                return new Extraction.Rejected(extraction.record(), RejectionCode.STORAGE_REJECTED,
                                        "PostgreSQL refused the event: " + ((PgException) failure).getErrorMessage(), List.of(),
                                        extracted.event().type());
                            });
                })
                .collect().asList();
    }

    private NewDeadLetter toDeadLetter(Extraction.Rejected rejected) {
        IncomingRecord record = rejected.record();
        // The type, when the record named one, lets operators find its dead letters by type.
        String type = rejected.eventType() != null ? rejected.eventType()
                : record.header("ce_type") != null ? record.header("ce_type") : record.header(config.ingest().typeHeader());
        return new NewDeadLetter(record.origin(), consumerGroup, rejected.code().name(), rejected.message(),
                type, record.key(), record.value(), record.headers(), record.timestamp(), rejected.violations());
    }

    private static Map<TopicPartitionKey, Long> highestOffsets(List<IncomingRecord> records) {
        Map<TopicPartitionKey, Long> highest = new HashMap<>();
        for (IncomingRecord record : records) {
            highest.merge(TopicPartitionKey.of(record.origin()), record.origin().offset(), Math::max);
        }
        return highest;
    }

    /** SQLSTATE class 22 (data exception) or 54 (limit exceeded): this data, not the database, is the problem. */
    static boolean isDataException(Throwable failure) {
        if (failure instanceof PgException pg && pg.getSqlState() != null) {
            return pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("54");
        }
        return false;
    }

    private static final class ProbeRolledBack extends RuntimeException {
        ProbeRolledBack() {
            super("probe insert rolled back", null, false, false);
        }
    }
}
