package io.eventlake.lake;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.error.ConflictException;
import io.eventlake.error.NotFoundException;
import io.eventlake.event.StreamNaming;
import io.eventlake.request.PageCursor;
import io.smallrye.mutiny.Uni;

/** Reads of the lake for the REST API. */
@ApplicationScoped
public class LakeQueryService {

    @Inject
    LakeEventRepository repository;

    /** One page; asks for one row more than the page to know whether another page follows. */
    public Uni<EventPage> page(EventQuery query) {
        if (query.type() != null && query.streams() != null && !query.streams().contains(StreamNaming.streamOf(query.type()))) {
            // A type of a stream the caller may not read: an event's stream is derived from its type, so no event the
            // caller sees has it. Answered without a query, which would read every event of the type to find none.
            return Uni.createFrom().item(new EventPage(List.of(), PageCursor.encode(query.afterSeq()), false));
        }
        EventQuery probe = query.withLimit(query.limit() + 1);
        return repository.page(probe).map(rows -> {
            boolean hasMore = rows.size() > query.limit();
            List<LakeEvent> page = hasMore ? rows.subList(0, query.limit()) : rows;
            long last = page.isEmpty() ? query.afterSeq() : page.get(page.size() - 1).seq();
            return new EventPage(page.stream().map(EventView::of).toList(), PageCursor.encode(last), hasMore);
        });
    }

    public Uni<EventView> byId(String eventId, String source, Set<String> streams) {
        return repository.byEventId(eventId, source, streams).map(found -> {
            if (found.isEmpty()) {
                throw new NotFoundException("No event with id '" + eventId + "'"
                        + (source == null ? "" : " from source '" + source + "'") + " is in the lake.");
            }
            if (found.size() > 1) {
                throw new ConflictException("Several sources published an event with id '" + eventId
                        + "'; name one with the 'source' parameter.");
            }
            return EventView.of(found.get(0));
        });
    }
}
