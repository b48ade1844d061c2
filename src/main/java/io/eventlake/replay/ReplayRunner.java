package io.eventlake.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.RepeatedCondition;
import io.eventlake.event.Event;
import io.eventlake.forward.CloudEventRecords;
import io.eventlake.forward.EventProducers;
import io.eventlake.forward.TopicInfo;
import io.eventlake.forward.TopicManager;
import io.eventlake.lake.LakeTimeIndexRepository.SeqRange;
import io.eventlake.logging.LogFields;
import io.eventlake.metrics.MeterTags;
import io.eventlake.replay.ReplayJob.Checkpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;

/**
 * Runs replay jobs, one at a time per instance, on a thread of its own (so a replay never takes time from the
 * ingest event loop). A job is claimed with a lease it renews as it goes; a job whose instance stopped is
 * taken over once its lease ran out, from its checkpoint. Each step reads one page from the lake and sends it
 * at the job's pace; once two later steps are handed to the producer, it waits until Kafka acknowledged every
 * record of the step and starts recording it as the checkpoint (the write is waited for before the next). So
 * neither the producer nor the database waits for this thread: at most four steps go beyond the recorded
 * checkpoint, and on a takeover {@link TargetTail} finds which of their records were already acknowledged, so none
 * is sent twice. The next two pages are read while a step is sent: memory holds three pages and three steps'
 * acknowledgements.
 */
@ApplicationScoped
public class ReplayRunner {

    private static final Logger LOG = Logger.getLogger(ReplayRunner.class);

    @Inject
    ReplayRepository repository;

    @Inject
    TopicManager topics;

    @Inject
    EventLakeConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    MeterTags meterTags;

    @Inject
    KafkaCluster cluster;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    /** The longest wait between two attempts to look for jobs while they keep failing. */
    private static final Duration MAX_WAIT_WHILE_FAILING = Duration.ofSeconds(30);

    /**
     * How often a job waiting for its pace checks that it is still this runner's (not cancelled, not taken over):
     * one cheap update a second for a slow job, and the single runner is free for the next job soon after a cancel.
     */
    private static final Duration STILL_OURS_CHECK = Duration.ofSeconds(1);

    /**
     * Pages read ahead of the one being sent. With one, the next read started only when this thread came for the page
     * before it, and in a profile of a replay of a million events this thread waited for pages an eighth of the time.
     */
    private static final int PAGES_AHEAD = 2;

    /**
     * Steps handed to the producer whose acknowledgements are not waited for yet. With one, this thread waited for
     * acknowledgements a seventh of the time. Together with {@link #PAGES_AHEAD}, warm replays of a million events
     * went 12% faster (61,000 to 69,000 events/s, six replays each).
     */
    private static final int STEPS_UNACKNOWLEDGED = 2;

    private final String owner = "eventlake-" + UUID.randomUUID();
    private final RepeatedCondition lookingFailed = new RepeatedCondition(Duration.ofMinutes(1));
    private volatile String lastFailure;
    private ExecutorService worker;
    private KafkaProducer<String, byte[]> producer;
    private volatile boolean running;
    /** The job this instance's runner works on now, or 0. */
    private volatile long runningJob;

    void start(@Observes StartupEvent event) {
        Map<String, Object> props = EventProducers.settings(kafkaConfig, "eventlake-replay");
        // A takeover relies on every acknowledged record being durable and in order: never weaker than this.
        props.put("client.id", "eventlake-replay");
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        producer = new KafkaProducer<>(props);
        running = true;
        worker = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "eventlake-replay");
            thread.setDaemon(true);
            return thread;
        });
        worker.execute(this::loop);
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (worker != null) {
            worker.shutdownNow();
            try {
                worker.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** While the runner cannot look for jobs: how many attempts failed, since when; and the last failure. */
    Optional<RepeatedCondition.Report> failing() {
        return lookingFailed.ongoing();
    }

    /** The job this instance's runner works on now: a cancelled job is not sent any more once this moves off it. */
    public OptionalLong runningJob() {
        long job = runningJob;
        return job == 0 ? OptionalLong.empty() : OptionalLong.of(job);
    }

    /** The last failure to look for jobs, for readiness. */
    String lastFailure() {
        return lastFailure;
    }

    private void loop() {
        Duration wait = config.replay().pollInterval();
        while (running) {
            try {
                Optional<ReplayJob> job = repository.claim(owner, config.replay().lease(), cluster.id()).await()
                        .indefinitely();
                wait = config.replay().pollInterval();
                lookingFailed.ended().ifPresent(report -> LOG.infof(
                        "EL0606 replay runner looks for jobs again, after %d failed attempts since %s",
                        report.occurrences(), report.since()));
                if (job.isPresent()) {
                    run(job.get());
                } else {
                    Thread.sleep(config.replay().pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                lastFailure = e.toString();
                lookingFailed.occurred().ifPresent(report -> LOG.warnf(
                        "EL0601 replay runner cannot look for jobs (%d failed attempts since %s); trying again every "
                                + "%s at most: %s",
                        report.occurrences(), report.since(), MAX_WAIT_WHILE_FAILING, e.toString()));
                sleepQuietly(wait);
                // Doubling up to a cap: an outage is not asked about every second, nor missed for long.
                wait = wait.multipliedBy(2).compareTo(MAX_WAIT_WHILE_FAILING) > 0 ? MAX_WAIT_WHILE_FAILING
                        : wait.multipliedBy(2);
            }
        }
    }

    /** Runs a job on this thread, every line it logs meanwhile carrying the job's id. */
    private void run(ReplayJob job) throws InterruptedException {
        runningJob = job.id();
        try (var fields = LogFields.of(LogFields.JOB, job.id())) {
            runJob(job);
        } finally {
            runningJob = 0;
        }
    }

    private void runJob(ReplayJob job) throws InterruptedException {
        LOG.infof("EL0602 replay %d: %s of %s to %s, %,d events expected, from step %d", job.id(), job.source(),
                job.streams(), job.targetTopic(), job.totalExpected(), job.checkpoint().steps());
        try {
            TopicInfo target = topics.ensure(job.targetTopic());
            producer.partitionsFor(job.targetTopic());
            Checkpoint checkpoint = job.checkpoint();
            // Records of steps after the checkpoint that Kafka acknowledged before the job stopped: not sent again,
            // and no checkpoint is recorded before they are all behind it (else a second takeover, looking only
            // after that checkpoint, would not find those beyond it).
            Set<Long> carried = new HashSet<>(
                    TargetTail.sentFromStep(kafkaConfig, job.targetTopic(), job.id(), checkpoint.steps() + 1));
            Pacer pacer = new Pacer(job.pace());
            Counter sentCounter = Counter.builder("eventlake.replay.events").description("Events sent by replay jobs")
                    .tag("target", meterTags.target(job.targetTopic())).register(registry);
            StepRecorder recorder = new StepRecorder(job, sentCounter);
            long lastRenewal = System.nanoTime();
            // Pages read ahead, oldest first: each read starts as soon as the one before it arrives (on the database
            // client's thread), so the database is not kept waiting while this thread sends.
            Deque<CompletableFuture<List<PageEvent>>> ahead = new ArrayDeque<>();
            // A history job's lake positions, looked up once (a window's in the time index) and once more at its end.
            Optional<SeqRange> range = job.isSnapshot() ? Optional.empty()
                    : repository.historyRange(job).await().indefinitely();
            boolean rangeChecked = job.isSnapshot() || (job.from() == null && job.to() == null);
            ahead.add(pageAfter(job, range, checkpoint.seq(), checkpoint.stream(), checkpoint.key(), pacer));
            // The step being sent, and those sent before it whose acknowledgements are not waited for yet, oldest
            // first: each is recorded once more are handed to the producer, so the producer always has records to send.
            Step sending = null;
            Deque<Step> unrecorded = new ArrayDeque<>();
            while (running) {
                Optional<SeqRange> reading = range;
                while (ahead.size() < PAGES_AHEAD) {
                    ahead.add(ahead.getLast().thenCompose(read -> pageAfterPage(job, reading, read, pacer)));
                }
                List<PageEvent> page = ahead.removeFirst().get();
                if (page.isEmpty() && !rangeChecked) {
                    // An ingest transaction that took its seqs before the job's end may have committed since the
                    // range was looked up: the window's range is looked up again, once, before the job ends.
                    rangeChecked = true;
                    Optional<SeqRange> again = repository.historyRange(job).await().indefinitely();
                    if (again.isPresent() && (range.isEmpty() || again.get().last() > range.get().last())) {
                        range = again;
                        ahead.clear();
                        ahead.add(pageAfter(job, range, checkpoint.seq(), checkpoint.stream(), checkpoint.key(), pacer));
                        continue;
                    }
                }
                if (page.isEmpty()) {
                    if (!recorder.recordAll(unrecorded) || !recorder.record(sending) || !recorder.settle()) {
                        stopped(job, recorder);
                        return;
                    }
                    if (job.endMarker()) {
                        // Sent again after a takeover at worst: a consumer treats any marker as the end.
                        ProducerRecord<String, byte[]> marker = new ProducerRecord<>(job.targetTopic(), null, null);
                        marker.headers().add(ReplayJob.END_MARKER_HEADER,
                                Long.toString(job.upToSeq()).getBytes(StandardCharsets.UTF_8));
                        producer.send(marker).get();
                    }
                    repository.finish(job.id(), owner, ReplayState.SUCCEEDED, null).await().indefinitely();
                    LOG.infof("EL0603 replay %d done", job.id());
                    return;
                }
                if (sending == null) {
                    sending = new Step(checkpoint.steps() + 1, job.id());
                }
                Event last = page.get(page.size() - 1).attributes();
                checkpoint = new Checkpoint(sending.number, last.lakeSeq(), last.stream(), checkpointKey(last));
                for (PageEvent pageEvent : page) {
                    Event event = pageEvent.attributes();
                    if (carried.remove(event.lakeSeq()) || (target.compacted() && event.subject() == null)) {
                        // Acknowledged before the takeover, or a keyless event a compacted topic cannot take.
                        continue;
                    }
                    // A reserve that returns a wait takes nothing, so asking again after a short sleep is safe: the
                    // wait goes in slices, and between them the job is checked, so that a slow job's cancel is
                    // seen within about a second rather than when its next event is due.
                    for (long wait = pacer.reserve(); wait > 0; wait = pacer.reserve()) {
                        if (!unrecorded.isEmpty()) {
                            // Waiting anyway: the steps before are recorded now rather than after more are sent.
                            if (!recorder.recordAll(unrecorded)) {
                                stopped(job, recorder);
                                return;
                            }
                            lastRenewal = System.nanoTime();
                        }
                        TimeUnit.NANOSECONDS.sleep(Math.min(wait, STILL_OURS_CHECK.toNanos()));
                        if (System.nanoTime() - lastRenewal > Math.min(config.replay().lease().toNanos() / 3,
                                STILL_OURS_CHECK.toNanos())) {
                            if (!repository.renew(job.id(), owner, config.replay().lease()).await().indefinitely()) {
                                stopped(job, recorder);
                                return;
                            }
                            lastRenewal = System.nanoTime();
                        }
                    }
                    // On a compacted topic a delete is a real Kafka tombstone: the key with a null value.
                    byte[] value = target.compacted() && event.tombstone() ? null : pageEvent.data();
                    sending.acks.add(producer.send(CloudEventRecords.toRecord(event, value, job.targetTopic(), sending.mark)));
                }
                sending.reached = checkpoint;
                sending.counted += page.size();
                if (!job.isSnapshot()) {
                    // History pages go in lake order: a carried seq not met by now is not in the job any more.
                    long reachedSeq = checkpoint.seq();
                    carried.removeIf(seq -> seq <= reachedSeq);
                }
                if (!carried.isEmpty()) {
                    // Records sent before the takeover lie ahead: the step goes on over the next page. Its records
                    // so far are waited for here (only the first pages after a takeover), to bound what is held.
                    sending.awaitAcks();
                    continue;
                }
                if (unrecorded.size() == STEPS_UNACKNOWLEDGED && !recorder.record(unrecorded.removeFirst())) {
                    stopped(job, recorder);
                    return;
                }
                unrecorded.addLast(sending);
                sending = null;
                lastRenewal = System.nanoTime();
            }
        } catch (ExecutionException | RuntimeException e) {
            if (!running) {
                // Shutting down: the job keeps its checkpoint and is taken over once its lease runs out.
                return;
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.errorf("EL0605 replay %d failed: %s", job.id(), cause.toString());
            repository.finish(job.id(), owner, ReplayState.FAILED, cause.toString()).await().indefinitely();
        }
    }

    /**
     * A step: the records of one page (or, right after a takeover, of as many pages as it takes to pass the records
     * sent before it), each marked with the job and the step's number, then recorded as the job's checkpoint.
     */
    private static final class Step {
        final long number;
        /** The header each of its records carries: the job and the step. */
        final Header mark;
        final List<Future<RecordMetadata>> acks = new ArrayList<>();
        long acknowledged;
        /** The events of its pages, sent or skipped: what the job's progress counts. */
        long counted;
        Checkpoint reached;

        Step(long number, long jobId) {
            this.number = number;
            this.mark = new RecordHeader(TargetTail.REPLAY_HEADER, (jobId + ":" + number).getBytes(StandardCharsets.UTF_8));
        }

        void awaitAcks() throws InterruptedException, ExecutionException {
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            acknowledged += acks.size();
            acks.clear();
        }
    }

    /**
     * Records a job's steps as its checkpoint, in order, each once Kafka acknowledged all its records. A write is not
     * waited for when it starts (the next step's records go out meanwhile) but before the next one starts or the
     * job ends: one write in flight at a time, and a write that found the job no longer this runner's stops it then.
     */
    private final class StepRecorder {
        private final ReplayJob job;
        private final Counter sentCounter;
        private CompletableFuture<Boolean> lastWrite = CompletableFuture.completedFuture(true);

        StepRecorder(ReplayJob job, Counter sentCounter) {
            this.job = job;
            this.sentCounter = sentCounter;
        }

        /** Records a step (none: nothing to do); false when the job is no longer this runner's. */
        boolean record(Step step) throws InterruptedException, ExecutionException {
            if (step == null) {
                return true;
            }
            step.awaitAcks();
            sentCounter.increment(step.acknowledged);
            if (!lastWrite.get()) {
                return false;
            }
            lastWrite = repository.advance(job.id(), owner, config.replay().lease(), step.reached, step.counted)
                    .subscribeAsCompletionStage();
            return true;
        }

        /** Records the steps in order, emptying the queue; false as soon as the job is no longer this runner's. */
        boolean recordAll(Deque<Step> steps) throws InterruptedException, ExecutionException {
            while (!steps.isEmpty()) {
                if (!record(steps.removeFirst())) {
                    return false;
                }
            }
            return true;
        }

        /** Waits for the last write; false when it found the job no longer this runner's. */
        boolean settle() throws InterruptedException, ExecutionException {
            return lastWrite.get();
        }
    }

    /**
     * The job is no longer this runner's (cancelled, or taken over): the records already handed to the producer and
     * the last checkpoint write are let go before the runner moves off it, so that what the target holds then is final.
     */
    private void stopped(ReplayJob job, StepRecorder recorder) throws InterruptedException {
        producer.flush();
        try {
            recorder.settle();
        } catch (ExecutionException e) {
            // The job is not this runner's any more: what its last write met does not matter to it.
        }
        LOG.infof("EL0604 replay %d stopped: cancelled or taken over", job.id());
    }

    /**
     * Starts reading the job's page after a checkpoint, as many events as the job's pace allows in a step; a history
     * job's within its {@code range} ({@link ReplayRepository#historyRange}).
     */
    private CompletableFuture<List<PageEvent>> pageAfter(ReplayJob job, Optional<SeqRange> range, long seq, String stream,
            String key, Pacer pacer) {
        int size = pacer.stepSize(config.replay().batchSize());
        Uni<List<PageEvent>> page = job.isSnapshot() ? repository.snapshotPage(job, stream, key, size)
                : repository.historyPage(job, range, seq, size);
        return page.subscribeAsCompletionStage();
    }

    /** Starts reading the job's page after a page read before it; after an empty page (the job's end), none. */
    private CompletableFuture<List<PageEvent>> pageAfterPage(ReplayJob job, Optional<SeqRange> range, List<PageEvent> read,
            Pacer pacer) {
        if (read.isEmpty()) {
            return CompletableFuture.completedFuture(read);
        }
        Event last = read.get(read.size() - 1).attributes();
        return pageAfter(job, range, last.lakeSeq(), last.stream(), checkpointKey(last), pacer);
    }

    /** The key a position after this event carries (a snapshot's pages go in key order; keyless: ""). */
    private static String checkpointKey(Event event) {
        return event.subject() == null ? "" : event.subject();
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
