package io.eventlake.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.envelope.Extraction;
import io.eventlake.envelope.IncomingRecord;
import io.eventlake.envelope.IncomingRecord.RecordHeader;
import io.eventlake.event.RecordOrigin;
import io.eventlake.logging.LogFields;
import io.eventlake.messaging.Channels;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;

/**
 * Consumes every ingest topic in batches, one poll at a time, in order per partition, and acknowledges a
 * batch only once its events are stored and forwarded.
 * <p>
 * The steps are pipelined: while batch N is being forwarded (waiting for the broker's acks), batch N+1 is
 * being stored and the next polls prepared (parsed and validated, on a worker thread); N−1's forward checkpoint
 * is written beside them. The polls that arrive while a store runs wait for it and are then stored together, as
 * batch N+2 ({@link WaitingPolls}). Stores, sends and checkpoints each stay strictly in batch order (N+1 is stored
 * after N, sent after N was acknowledged by the broker, recorded after N was), and at most three batches and a
 * poll's worth of waiting records are in flight, so memory stays bounded. A step that keeps failing (the database
 * or the broker is down) is retried with back-off (at most 5 s apart) until it goes through, however long the outage, with
 * readiness DOWN meanwhile ({@link IngestHealth}); only a set {@code eventlake.ingest.max-retries} makes the
 * channel give up.
 * Nothing unacknowledged is lost: the next start re-reads it, and storing and forwarding are idempotent.
 */
@ApplicationScoped
public class KafkaIngestConsumer {

    private static final Logger LOG = Logger.getLogger(KafkaIngestConsumer.class);
    /** Longest one attempt of a store or forward may take before it counts as failed and is tried again. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(2);

    @Inject
    IngestService ingest;

    @Inject
    EventLakeConfig config;

    @Inject
    IngestHealth health;

    /** The most records one store merges from waiting polls: a full poll's worth. */
    @ConfigProperty(name = "mp.messaging.incoming.ingest.max.poll.records", defaultValue = "500")
    int maxPollRecords;

    /** The send of the previous store's batches; the next ones' send is chained after it. */
    private volatile Uni<Void> previousForward = Uni.createFrom().voidItem();

    /** The forward checkpoint of the previous store's batches; the next one is recorded after it. */
    private volatile CompletableFuture<Void> previousCheckpoint = CompletableFuture.completedFuture(null);

    /** A poll's records as the connector delivered them and as prepared, waiting for the store. */
    private record PolledBatch(KafkaRecordBatch<byte[], byte[]> batch, List<IncomingRecord> records,
            List<Extraction> prepared, long arrivedAt) {
    }

    /** Polls prepared and waiting for the store, merged into one store transaction when the store is free. */
    private WaitingPolls<PolledBatch> waiting;

    @PostConstruct
    void createWaitingPolls() {
        waiting = new WaitingPolls<>(maxPollRecords);
    }

    @Incoming(Channels.INGEST)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> consume(KafkaRecordBatch<byte[], byte[]> batch) {
        ConsumerRecords<byte[], byte[]> polled = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                .map(metadata -> metadata.<byte[], byte[]> getRecords())
                .orElseThrow(() -> new IllegalStateException("a Kafka batch without its records"));
        long arrivedAt = System.currentTimeMillis();
        List<IncomingRecord> records = new ArrayList<>(polled.count());
        for (ConsumerRecord<byte[], byte[]> record : polled) {
            records.add(toIncoming(record));
        }
        if (LOG.isDebugEnabled()) {
            try (var fields = LogFields.of(LogFields.BATCH, new BatchName(records))) {
                LOG.debugf("EL0002 batch of %d records from %s", records.size(),
                        records.stream().map(r -> r.origin().topic() + "-" + r.origin().partition()).distinct().toList());
            }
        }
        // Three stages, each on one batch at a time: a poll is prepared (parsed, validated) on a worker thread while
        // the polls before it are stored and forwarded. This call returns once the poll waits for the store
        // (or, when a poll's worth of records waits already, once it is taken into one), so memory stays bounded.
        return ingest.ready()
                .flatMap(ready -> Uni.createFrom().item(() -> ingest.prepare(records))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .flatMap(prepared -> {
                    CompletableFuture<Void> handedOver = waiting.add(new PolledBatch(batch, records, prepared, arrivedAt),
                            records.size());
                    storeWaiting();
                    return Uni.createFrom().completionStage(handedOver);
                })
                .onFailure().call(failure -> Uni.createFrom().completionStage(batch.nack(failure)));
    }

    /**
     * Starts a store of every poll waiting (merged, in poll order) unless one runs already; called when a poll
     * arrives and when a store ends. Stores stay in poll order, one at a time, so each partition's order is kept.
     */
    private void storeWaiting() {
        List<PolledBatch> polls = waiting.takeIfIdle();
        if (polls.isEmpty()) {
            return;
        }
        List<IncomingRecord> records = merged(polls, PolledBatch::records);
        List<Extraction> prepared = merged(polls, PolledBatch::prepared);
        // The service-side latency counts from the first merged poll's arrival: at most one store longer than
        // the later polls' own.
        long arrivedAt = polls.get(0).arrivedAt();
        BatchName batchName = new BatchName(records);
        retried(Uni.createFrom().deferred(() -> ingest.store(records, prepared)), "store", records.size(), batchName)
                // Back-pressure: a batch is forwarded after the previous one, never further ahead.
                .call(plan -> previousForward)
                .invoke(plan -> startForward(polls, plan, records.size(), arrivedAt, batchName))
                .subscribe().with(ignored -> {
                    waiting.storeEnded();
                    storeWaiting();
                }, failure -> {
                    try (var fields = LogFields.of(LogFields.BATCH, batchName)) {
                        LOG.errorf("EL0005 batch of %d records not stored, channel stops: %s", records.size(),
                                failure.toString());
                    }
                    nackAll(polls, failure);
                    nackAll(waiting.stop(failure), failure);
                });
    }

    private static <T> List<T> merged(List<PolledBatch> polls, Function<PolledBatch, List<T>> part) {
        if (polls.size() == 1) {
            return part.apply(polls.get(0));
        }
        List<T> merged = new ArrayList<>();
        polls.forEach(poll -> merged.addAll(part.apply(poll)));
        return merged;
    }

    private static Uni<Void> ackAll(List<PolledBatch> polls) {
        return Uni.join().all(polls.stream().map(poll -> Uni.createFrom().completionStage(poll.batch().ack())).toList())
                .andCollectFailures().replaceWithVoid();
    }

    private static void nackAll(List<PolledBatch> polls, Throwable failure) {
        polls.forEach(poll -> poll.batch().nack(failure));
    }

    private void startForward(List<PolledBatch> polls, StorePlan plan, int size, long arrivedAt, BatchName batchName) {
        // A future, not a Uni: a completed future holds its result only, where a Uni chained on the previous one
        // would keep every earlier batch (and its events) reachable.
        CompletableFuture<Void> recordedBefore = previousCheckpoint;
        CompletableFuture<Void> recordedNow = new CompletableFuture<>();
        Uni<Void> sent = retried(ingest.send(plan, arrivedAt), "forward", size, batchName).memoize().indefinitely();
        Uni<Void> recorded = sent
                // Checkpoints, and so acknowledgements, in batch order.
                .call(() -> Uni.createFrom().completionStage(recordedBefore))
                .flatMap(ignored -> retried(ingest.recordForwarded(plan), "forward checkpoint", size, batchName))
                .invoke(outcome -> {
                    try (var fields = LogFields.of(LogFields.BATCH, batchName)) {
                        LOG.debugf("EL0003 batch done: %s", outcome);
                    }
                })
                .call(outcome -> ackAll(polls))
                .replaceWithVoid()
                .onFailure().invoke(failure -> nackAll(polls, failure));
        // The next batch is sent once this one is on the broker, without waiting for this one's checkpoint (a
        // database round trip off the latency path), but only once the one before was recorded: at most one
        // checkpoint is ever outstanding.
        previousForward = Uni.join().all(sent, Uni.createFrom().completionStage(recordedBefore)).andCollectFailures()
                .replaceWithVoid();
        previousCheckpoint = recordedNow;
        recorded.subscribe().with(ignored -> recordedNow.complete(null), failure -> {
            try (var fields = LogFields.of(LogFields.BATCH, batchName)) {
                LOG.errorf("EL0004 batch of %d records not forwarded, channel stops: %s", size, failure.toString());
            }
            recordedNow.completeExceptionally(failure);
        });
    }

    /**
     * A batch's name in the logs: each partition with its offset range, such as {@code ingest.rentals-0@120..179}
     * (offsets within a partition ascend in a batch). Worked out when first logged, not for every batch.
     */
    static final class BatchName {
        private final List<IncomingRecord> records;
        private String name;

        BatchName(List<IncomingRecord> records) {
            this.records = records;
        }

        @Override
        public synchronized String toString() {
            if (name == null) {
                Map<String, long[]> ranges = new LinkedHashMap<>();
                for (IncomingRecord record : records) {
                    long offset = record.origin().offset();
                    long[] range = ranges.computeIfAbsent(record.origin().topic() + "-" + record.origin().partition(),
                            partition -> new long[] { offset, offset });
                    range[0] = Math.min(range[0], offset);
                    range[1] = Math.max(range[1], offset);
                }
                StringBuilder text = new StringBuilder();
                ranges.forEach((partition, range) -> text.append(text.isEmpty() ? "" : ",").append(partition).append('@')
                        .append(range[0]).append("..").append(range[1]));
                name = text.toString();
            }
            return name;
        }
    }

    private <T> Uni<T> retried(Uni<T> step, String name, int size, BatchName batchName) {
        var retry = step
                // An attempt that never ends (a connection that hangs) fails, so that it is retried and seen.
                .ifNoItem().after(ATTEMPT_TIMEOUT).failWith(() -> new java.util.concurrent.TimeoutException(
                        name + " attempt took longer than " + ATTEMPT_TIMEOUT))
                .onFailure().invoke(failure -> {
                    long attempts = health.failed(name, failure);
                    // Once, then every tenth attempt: an outage of minutes logs a few lines, not thousands.
                    if (attempts == 1 || attempts % 10 == 0) {
                        try (var fields = LogFields.of(LogFields.BATCH, batchName)) {
                            LOG.warnf("EL0001 %s of a batch of %d records failed (%d attempts so far), retrying until "
                                    + "it goes through: %s", name, size, attempts, failure.toString());
                        }
                    }
                })
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5));
        int maxRetries = config.ingest().maxRetries();
        return (maxRetries < 0 ? retry.atMost(Long.MAX_VALUE) : retry.atMost(maxRetries))
                .invoke(() -> {
                    IngestHealth.Failing was = health.succeeded();
                    if (was != null) {
                        try (var fields = LogFields.of(LogFields.BATCH, batchName)) {
                            LOG.infof("EL0006 ingest moves again: the %s went through after %d failed attempts since %s",
                                    was.step(), was.attempts(), was.since());
                        }
                    }
                });
    }

    private static IncomingRecord toIncoming(ConsumerRecord<byte[], byte[]> record) {
        List<RecordHeader> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new RecordHeader(header.key(), header.value()));
        }
        return new IncomingRecord(new RecordOrigin(record.topic(), record.partition(), record.offset()),
                record.key(), record.value(), headers, record.timestamp());
    }
}
