package io.eventlake.compaction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.compaction.LatestViewRepository.ViewKey;
import io.eventlake.compaction.LatestViewRepository.ViewRow;
import io.eventlake.event.Event;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Keeps the latest-per-key view in step with the lake, inside the transaction that appended the events:
 * each key's newest event becomes its row (a tombstone marks it deleted), and an event older than what
 * the view already holds is reported as superseded instead.
 */
@ApplicationScoped
public class LatestView {

    @Inject
    LatestViewRepository repository;

    /** A newly appended event and its lake sequence number. */
    public record Appended(Event event, long seq) {
    }

    /**
     * Applies newly appended events, given in arrival order, to the view; returns the sequence numbers of
     * those that arrived after a newer event of their key (superseded). Events without a key are not in
     * the view.
     */
    public Uni<Set<Long>> apply(SqlConnection connection, List<Appended> appended) {
        // Each key's newest event in the list is its candidate for the view. One statement locks and reads what
        // the view holds and writes the candidates that are newer (one round trip, not a read and then a write).
        Map<ViewKey, Appended> candidates = new LinkedHashMap<>();
        for (Appended a : appended) {
            if (a.event().subject() == null) {
                continue;
            }
            candidates.merge(keyOf(a.event()), a, (held, next) -> orderOf(next).isNewerThan(orderOf(held)) ? next : held);
        }
        if (candidates.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<ViewRow> rows = new ArrayList<>(candidates.size());
        candidates.forEach((key, a) -> rows.add(new ViewRow(key, orderOf(a), a.event().tombstone())));
        return repository.upsert(connection, rows).map(write -> {
            // Superseded: an event that arrived after a newer one of its key (in the view, or earlier in the list).
            // An event followed by a newer one in the same list is not: it was the latest when it arrived.
            Map<ViewKey, KeyOrder> latest = new HashMap<>(write.previous());
            Set<Long> superseded = new LinkedHashSet<>();
            for (Appended a : appended) {
                if (a.event().subject() == null) {
                    continue;
                }
                ViewKey key = keyOf(a.event());
                KeyOrder order = orderOf(a);
                KeyOrder held = latest.get(key);
                if (held == null || order.isNewerThan(held)) {
                    latest.put(key, order);
                } else {
                    superseded.add(a.seq());
                }
            }
            // A candidate the guard refused: a writer in another transaction got a newer event of its key in first.
            candidates.forEach((key, a) -> {
                if (!write.written().contains(key)) {
                    superseded.add(a.seq());
                }
            });
            return superseded;
        });
    }

    private static ViewKey keyOf(Event event) {
        return new ViewKey(event.stream(), event.subject());
    }

    private static KeyOrder orderOf(Appended a) {
        return new KeyOrder(a.event().orderVersion(), a.event().time(), a.seq());
    }
}
