package io.eventlake.compaction;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL of the latest-per-key view ({@code latest_event}); see V4's migration for its shape. */
@ApplicationScoped
public class LatestViewRepository {

    /** Locks in key order, so that two writers locking overlapping keys cannot deadlock. */
    private static final String LOCK = """
            select l.stream, l.event_key, l.version::text, l.event_time, l.seq
            from latest_event l
            join unnest($1::text[], $2::text[]) as k(stream, event_key)
              on l.stream = k.stream and l.event_key = k.event_key
            order by l.stream, l.event_key
            for update of l
            """;

    /**
     * Writes each key's new latest event, unless the view already holds a newer one (a racing writer): the
     * guard is {@link KeyOrder}'s rule in SQL. Returns the keys it wrote.
     */
    private static final String UPSERT = """
            insert into latest_event as l (stream, event_key, seq, version, event_time, deleted)
            select st, k, s, v::numeric, t, d
            from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[], $6::boolean[])
                 as u(st, k, s, v, t, d)
            order by st, k
            on conflict (stream, event_key) do update
               set seq = excluded.seq, version = excluded.version, event_time = excluded.event_time,
                   deleted = excluded.deleted, updated_at = now()
               where case
                       when excluded.version is not null and l.version is not null and excluded.version <> l.version
                         then excluded.version > l.version
                       when excluded.event_time <> l.event_time then excluded.event_time > l.event_time
                       else excluded.seq > l.seq
                     end
            returning stream, event_key
            """;

    /** A key of the view. */
    public record ViewKey(String stream, String key) {
    }

    /** One key's new latest event. */
    public record ViewRow(ViewKey key, KeyOrder order, boolean deleted) {
    }

    /** The current order of each of these keys that the view holds, locked until the transaction ends. */
    public Uni<Map<ViewKey, KeyOrder>> lock(SqlConnection connection, Collection<ViewKey> keys) {
        String[] streams = keys.stream().map(ViewKey::stream).toArray(String[]::new);
        String[] eventKeys = keys.stream().map(ViewKey::key).toArray(String[]::new);
        return connection.preparedQuery(LOCK).execute(Tuple.tuple().addArrayOfString(streams).addArrayOfString(eventKeys))
                .map(rows -> {
                    Map<ViewKey, KeyOrder> current = new HashMap<>();
                    for (Row row : rows) {
                        String version = row.getString(2);
                        current.put(new ViewKey(row.getString(0), row.getString(1)),
                                new KeyOrder(version == null ? null : new BigDecimal(version), row.getOffsetDateTime(3),
                                        row.getLong(4)));
                    }
                    return current;
                });
    }

    /** Writes these rows where they are newer than the view's; returns the keys written. */
    public Uni<Set<ViewKey>> upsert(SqlConnection connection, List<ViewRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        int n = rows.size();
        String[] streams = new String[n], keys = new String[n], versions = new String[n];
        Long[] seqs = new Long[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        Boolean[] deleted = new Boolean[n];
        for (int i = 0; i < n; i++) {
            ViewRow row = rows.get(i);
            streams[i] = row.key().stream();
            keys[i] = row.key().key();
            seqs[i] = row.order().seq();
            versions[i] = row.order().version() == null ? null : row.order().version().toPlainString();
            times[i] = row.order().time();
            deleted[i] = row.deleted();
        }
        Tuple params = Tuple.tuple().addArrayOfString(streams).addArrayOfString(keys).addArrayOfLong(seqs)
                .addArrayOfString(versions).addArrayOfOffsetDateTime(times).addArrayOfBoolean(deleted);
        return connection.preparedQuery(UPSERT).execute(params).map(written -> {
            Set<ViewKey> result = new HashSet<>();
            for (Row row : written) {
                result.add(new ViewKey(row.getString(0), row.getString(1)));
            }
            return result;
        });
    }
}
