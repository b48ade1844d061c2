package io.eventlake.compaction;

import java.util.ArrayList;
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
        Set<ViewKey> keys = new LinkedHashSet<>();
        for (Appended a : appended) {
            if (a.event().subject() != null) {
                keys.add(keyOf(a.event()));
            }
        }
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return repository.lock(connection, keys).flatMap(current -> {
            Map<ViewKey, Appended> winners = new LinkedHashMap<>();
            Map<ViewKey, KeyOrder> latest = new LinkedHashMap<>(current);
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
                    winners.put(key, a);
                } else {
                    superseded.add(a.seq());
                }
            }
            List<ViewRow> rows = new ArrayList<>(winners.size());
            winners.forEach((key, a) -> rows.add(new ViewRow(key, orderOf(a), a.event().tombstone())));
            return repository.upsert(connection, rows).map(written -> {
                // A writer in another transaction got a newer event of this key in first.
                winners.forEach((key, a) -> {
                    if (!written.contains(key)) {
                        superseded.add(a.seq());
                    }
                });
                return superseded;
            });
        });
    }

    private static ViewKey keyOf(Event event) {
        return new ViewKey(event.stream(), event.subject());
    }

    private static KeyOrder orderOf(Appended a) {
        return new KeyOrder(a.event().orderVersion(), a.event().time(), a.seq());
    }
}
