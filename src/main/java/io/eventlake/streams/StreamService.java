package io.eventlake.streams;

import java.util.List;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.NotFoundException;
import io.eventlake.streams.StreamViews.KeyState;
import io.eventlake.streams.StreamViews.StreamSummary;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The current state of the streams (the latest-per-key view) and their events, as the streams API reads them. */
@ApplicationScoped
public class StreamService {

    private final StreamStateRepository state;
    private final StreamEventsReader events;
    private final ReaderSlots slots;
    private final EventLakeConfig config;

    @Inject
    public StreamService(StreamStateRepository state, StreamEventsReader events, ReaderSlots slots,
            EventLakeConfig config) {
        this.state = state;
        this.events = events;
        this.slots = slots;
        this.config = config;
    }

    /**
     * Every stream the caller may read ({@code visible}) with its numbers of live and deleted keys: the others' keys
     * are not counted at all.
     */
    public Uni<List<StreamSummary>> streams(Predicate<String> visible) {
        return state.streams(visible, config.streams().exactCountLimit());
    }

    /** A key's latest event; 404 for a key never seen, or deleted (naming the delete). */
    public Uni<KeyState> key(String stream, String key) {
        return state.key(stream, key).map(found -> {
            if (found.isEmpty()) {
                throw new NotFoundException("Stream '" + stream + "' has no key '" + key + "'.");
            }
            if (found.get().deleted()) {
                KeyState tombstone = found.get().state();
                throw new NotFoundException("Key '" + key + "' of stream '" + stream + "' was deleted by event '"
                        + tombstone.id() + "' (" + tombstone.type() + ") at " + tombstone.time() + ".");
            }
            return found.get().state();
        });
    }

    /** Every live key's state in key order, from one consistent snapshot, pulled as the client reads. */
    public Multi<KeyState> snapshot(String stream) {
        return state.exists(stream).onItem().transformToMulti(exists -> {
            if (!exists) {
                return Multi.createFrom().failure(new NotFoundException("No stream '" + stream
                        + "': no event with a key was ever stored in it."));
            }
            return slots.open(() -> state.snapshot(stream));
        });
    }

    /** The stream's events after a lake position, optionally of one type or key, then live ones with follow. */
    public Multi<StreamEvent> events(String stream, long afterSeq, String type, String key, boolean follow) {
        return slots.open(() -> events.read(stream, afterSeq, type, key, follow));
    }

    /** The same events a page at a time (never an empty page), for a client that takes them in bulk. */
    public Multi<List<StreamEvent>> eventPages(String stream, long afterSeq, String type, String key, boolean follow) {
        return slots.open(() -> events.pages(stream, afterSeq, type, key, follow));
    }
}
