package io.eventlake.streams;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.UnavailableException;
import io.smallrye.mutiny.Multi;

/**
 * At most {@code eventlake.readers.max-open} snapshots and event streams at once. One more is refused with 503 and
 * {@code Retry-After} instead of queueing without bound; a slot is given back when its stream ends, fails or its
 * client goes away.
 */
@ApplicationScoped
public class ReaderSlots {

    /** Seconds a refused reader is told to wait: long enough for a slot to come free, short for a person. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final Semaphore slots;
    private final int size;

    @Inject
    public ReaderSlots(EventLakeConfig config) {
        this.size = config.readers().maxOpen();
        this.slots = new Semaphore(size);
    }

    /** The stream, holding a slot from subscription to its end; a 503 when every slot is taken. */
    public <T> Multi<T> open(Supplier<Multi<T>> stream) {
        return Multi.createFrom().deferred(() -> {
            if (!slots.tryAcquire()) {
                return Multi.createFrom().failure(new UnavailableException("All " + size + " reader slots are taken "
                        + "(eventlake.readers.max-open): try again shortly.", RETRY_AFTER_SECONDS));
            }
            return stream.get().onTermination().invoke(slots::release);
        });
    }

    /** Snapshots and event streams open now. */
    public int open() {
        return size - slots.availablePermits();
    }

    /** Slots free now. */
    public int available() {
        return slots.availablePermits();
    }
}
