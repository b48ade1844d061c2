package io.eventlake.forward;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import io.eventlake.event.Event;
import io.eventlake.logging.LogFields;
import io.eventlake.metrics.IngestMetrics;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Forwards stored events to their clean topics ({@link ForwardRoutes}: the routes they match, else their
 * stream's topic), as CloudEvents in binary mode: the record key is the event's subject, the value its data,
 * the attributes {@code ce_*} headers. On a compacted topic a tombstone is forwarded with a null value.
 * <p>
 * Forwarding is the hot half of ingest, so it uses one plain idempotent producer rather than a Reactive
 * Messaging emitter: a batch is handed to the producer on one dedicated thread (so the event loop never
 * blocks on metadata or a full buffer, and records keep list order, hence order per key), and the returned
 * Uni completes once the broker acknowledged every record. With an emitter, forwarding was the slower half
 * of the ingest pipeline (bench/ingest.sh: 62 to 78 ms per batch of about 900 events, against 54 ms
 * now). Producer settings come from the {@code kafka.*} configuration, over the defaults below.
 */
@ApplicationScoped
public class Forwarder {

    private static final Logger LOG = Logger.getLogger(Forwarder.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    ForwardRoutes routes;

    @Inject
    TopicManager topics;

    @Inject
    IngestMetrics metrics;

    private volatile KafkaProducer<String, byte[]> producer;
    private Map<String, Object> producerConfig;
    /** Set by a failed batch; the next batch replaces the producer first. */
    private volatile boolean producerFailed;
    /** Topics whose metadata the producer has loaded; only touched on the forward thread. */
    private final Set<String> producerKnows = new HashSet<>();
    private ExecutorService sender;

    @PostConstruct
    void start() {
        Map<String, Object> props = EventProducers.settings(kafkaConfig, "eventlake-forward");
        // A batch the broker does not take within this fails and is retried (by the ingest pipeline) on a new
        // producer, rather than waiting the default two minutes.
        props.putIfAbsent("delivery.timeout.ms", "45000");
        producerConfig = props;
        producer = new KafkaProducer<>(props);
        sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "eventlake-forward");
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        sender.shutdown();
        producer.close(Duration.ofSeconds(10));
    }

    public Uni<Void> forward(List<Event> events) {
        return forward(events, null);
    }

    /**
     * Sends the events, and completes once the broker acknowledged every record. {@code resentSince}: when some
     * may already be on the broker (sent before a crash or a failed attempt whose end was never recorded), the
     * earliest moment they can have been sent; those found on their topics since then are not sent again.
     */
    public Uni<Void> forward(List<Event> events, Instant resentSince) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(emitter -> sender.execute(() -> {
            try {
                replaceProducerAfterFailure();
                List<ProducerRecord<String, byte[]>> records = toRecords(events);
                if (resentSince != null) {
                    records = notYetOnBroker(records, resentSince);
                }
                if (records.isEmpty()) {
                    emitter.complete(null);
                    return;
                }
                BatchAcknowledgement acknowledgement = new BatchAcknowledgement(records.size(), emitter,
                        () -> producerFailed = true);
                try {
                    for (ProducerRecord<String, byte[]> record : records) {
                        producer.send(record, acknowledgement);
                    }
                    // The whole batch is handed over: send what lingers now rather than after linger.ms (the next
                    // batch is sent only once this one is acknowledged, so nothing would join it). Blocks this
                    // thread until the broker answered, which is what the caller waits for anyway.
                    producer.flush();
                } catch (RuntimeException e) {
                    acknowledgement.fail(e);
                }
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        }));
    }

    /**
     * After a failed batch, the retry goes through a new producer (a new producer id): an idempotent producer
     * whose sequence numbers got out of step with a partition's (OutOfOrderSequenceException, seen when a topic
     * is created while clients race to auto-create it) would otherwise fail every retry the same way.
     * Forwarding is at least once, so records of the failed batch that did land may be sent again.
     */
    private void replaceProducerAfterFailure() {
        if (!producerFailed) {
            return;
        }
        producerFailed = false;
        KafkaProducer<String, byte[]> failed = producer;
        producer = new KafkaProducer<>(producerConfig);
        producerKnows.clear();
        failed.close(Duration.ZERO);
        LOG.warn("EL0016 forward producer replaced after a failed batch");
    }

    /** The records whose event is not on their topic yet, in their order; the others were sent before. */
    private List<ProducerRecord<String, byte[]>> notYetOnBroker(List<ProducerRecord<String, byte[]>> records,
            Instant since) {
        Set<String> targets = new HashSet<>();
        records.forEach(record -> targets.add(record.topic()));
        Map<String, Set<Long>> onBroker = ForwardedTail.seqsSince(kafkaConfig, targets, since);
        List<ProducerRecord<String, byte[]>> missing = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            if (!onBroker.get(record.topic()).contains(CloudEventRecords.lakeSeqOf(record))) {
                missing.add(record);
            }
        }
        metrics.notResent(records.size() - missing.size());
        LOG.infof("EL0017 a batch sent again: %d of its %d records were already on the broker (sent before a stop or "
                + "a failed attempt) and are not sent again", records.size() - missing.size(), records.size());
        return missing;
    }

    /** Every record the events make, in event order: one per topic the event is routed to. */
    private List<ProducerRecord<String, byte[]>> toRecords(List<Event> events) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
        for (Event event : events) {
            for (String topic : routes.topicsOf(event.type(), event.stream())) {
                TopicInfo info = topics.ensure(topic);
                if (producerKnows.add(topic)) {
                    // Load the topic's metadata (leaders) before the first send to it.
                    producer.partitionsFor(topic);
                }
                if (info.compacted() && event.subject() == null) {
                    // A compacted topic refuses records without a key; the event stays in the lake.
                    metrics.unforwarded(event.stream(), topic, "NO_KEY");
                    try (var fields = LogFields.of(LogFields.EVENT_ID, event.id(), LogFields.STREAM, event.stream())) {
                        LOG.debugf("EL0015 event %s has no key: not forwarded to compacted topic %s", event.id(), topic);
                    }
                    continue;
                }
                // On a compacted topic a delete is a real Kafka tombstone: the key with a null value.
                boolean nullValue = info.compacted() && event.tombstone();
                records.add(CloudEventRecords.toRecord(event, topic, nullValue));
            }
        }
        return records;
    }

    /** Completes the batch's Uni when the broker acknowledged every record, or fails it at the first error. */
    private static final class BatchAcknowledgement implements Callback {
        private final AtomicInteger pending;
        private final AtomicBoolean failed = new AtomicBoolean();
        private final UniEmitter<? super Void> emitter;
        private final Runnable onFailure;

        BatchAcknowledgement(int records, UniEmitter<? super Void> emitter, Runnable onFailure) {
            this.pending = new AtomicInteger(records);
            this.emitter = emitter;
            this.onFailure = onFailure;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                fail(exception);
            } else if (pending.decrementAndGet() == 0 && !failed.get()) {
                emitter.complete(null);
            }
        }

        void fail(Exception e) {
            if (failed.compareAndSet(false, true)) {
                onFailure.run();
                emitter.fail(e);
            }
        }
    }
}
