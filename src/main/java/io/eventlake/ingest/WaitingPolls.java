package io.eventlake.ingest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The polled batches that wait for the store, in poll order, and which of them the next store takes: every one
 * waiting, merged, up to {@code mergeLimit} records (at least one batch). One store runs at a time.
 * <p>
 * Why merge: under a steady low rate the consumer polls far more often than a store transaction ends, so each
 * poll holds a few records. Stored one poll per transaction, a record waited behind every poll queued before
 * it, each costing a whole transaction; merged, it waits for the running store only. At full rate a poll holds
 * {@code max.poll.records} already, so nothing merges and the transactions are as before. (The ingest channel's
 * {@code fetch.min.bytes}/{@code fetch.max.wait.ms} keep the polls themselves from shrinking to a record or two.)
 * <p>
 * Bounded: the consumer hands over its next poll at once only while fewer than {@code mergeLimit} records wait;
 * past that it waits until the batch it added is taken into a store, and the connector's own queue (then the
 * broker) holds the rest.
 */
final class WaitingPolls<B> {

    private record Waiting<B>(B batch, int records, CompletableFuture<Void> taken) {
    }

    private final int mergeLimit;
    private final Deque<Waiting<B>> waiting = new ArrayDeque<>();
    private int waitingRecords;
    private boolean storing;
    private Throwable stopped;

    WaitingPolls(int mergeLimit) {
        if (mergeLimit < 1) {
            throw new IllegalArgumentException("mergeLimit must be at least 1");
        }
        this.mergeLimit = mergeLimit;
    }

    /**
     * Adds a polled batch of {@code records} records. The answer completes when the consumer may hand over its next
     * poll: at once while fewer than the merge limit of records wait, else once this batch is taken into a store;
     * it fails when the store stopped for good ({@link #stop}).
     */
    synchronized CompletableFuture<Void> add(B batch, int records) {
        if (stopped != null) {
            return CompletableFuture.failedFuture(stopped);
        }
        waitingRecords += records;
        CompletableFuture<Void> taken = new CompletableFuture<>();
        waiting.add(new Waiting<>(batch, records, taken));
        return waitingRecords < mergeLimit ? CompletableFuture.completedFuture(null) : taken;
    }

    /**
     * The batches the next store merges, in poll order, and marks a store running; empty when one runs already,
     * none waits, or the store stopped. Call {@link #storeEnded} when that store ended.
     */
    List<B> takeIfIdle() {
        List<CompletableFuture<Void>> released = new ArrayList<>();
        List<B> taken = new ArrayList<>();
        synchronized (this) {
            if (storing || stopped != null || waiting.isEmpty()) {
                return List.of();
            }
            int records = 0;
            while (!waiting.isEmpty() && (taken.isEmpty() || records + waiting.peek().records() <= mergeLimit)) {
                Waiting<B> next = waiting.poll();
                records += next.records();
                taken.add(next.batch());
                released.add(next.taken());
            }
            waitingRecords -= records;
            storing = true;
        }
        // Outside the lock: completing lets the consumer hand over its next poll, which calls add().
        released.forEach(future -> future.complete(null));
        return taken;
    }

    /** The running store ended; the next {@link #takeIfIdle} may take more. */
    synchronized void storeEnded() {
        storing = false;
    }

    /**
     * The store failed for good: every batch still waiting is returned (to be refused with the failure) and every
     * later {@link #add} fails.
     */
    List<B> stop(Throwable failure) {
        List<Waiting<B>> refused;
        synchronized (this) {
            stopped = failure;
            refused = new ArrayList<>(waiting);
            waiting.clear();
            waitingRecords = 0;
        }
        refused.forEach(w -> w.taken().completeExceptionally(failure));
        return refused.stream().map(Waiting::batch).toList();
    }

    synchronized int waitingRecords() {
        return waitingRecords;
    }
}
