package io.eventlake.streams;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.config.EventLakeConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * A stream's events as a pull-driven sequence: a page is read from the lake only when the subscriber has
 * taken the previous one, so one page at most is in memory however long the stream and however slow the
 * client. With {@code follow}, once caught up it keeps polling for new events until the client goes.
 */
@ApplicationScoped
public class StreamEventsReader {

    @Inject
    StreamEventsRepository repository;

    @Inject
    EventLakeConfig config;

    public Multi<StreamEvent> read(String stream, long afterSeq, String type, String key, boolean follow) {
        return pages(stream, afterSeq, type, key, follow).onItem().<StreamEvent> disjoint();
    }

    /** The same events a page at a time, every page holding at least one event (a caught-up follow sends none). */
    public Multi<List<StreamEvent>> pages(String stream, long afterSeq, String type, String key, boolean follow) {
        AtomicLong position = new AtomicLong(afterSeq);
        int pageSize = config.streams().pageSize();
        Duration poll = config.streams().followPollInterval();
        Multi<List<StreamEvent>> pages = Multi.createBy().repeating()
                .uni(() -> position, at -> repository.after(stream, at.get(), type, key, pageSize)
                        .flatMap(page -> {
                            at.set(page.lastSeq());
                            if (page.events().isEmpty() && follow) {
                                // Caught up: wait before looking again (an empty page ends a non-follow stream).
                                return Uni.createFrom().item(page.events()).onItem().delayIt().by(poll);
                            }
                            return Uni.createFrom().item(page.events());
                        }))
                .whilst(events -> follow || events.size() == pageSize);
        return pages.select().where(events -> !events.isEmpty());
    }
}
