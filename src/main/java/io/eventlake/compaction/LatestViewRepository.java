package io.eventlake.compaction;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
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

    /**
     * One round trip: locks the keys' current rows and reads them ({@code previous}), then writes each key's
     * candidate unless the view already holds a newer event (a racing writer): the guard is {@link KeyOrder}'s
     * rule in SQL. Answers the previous rows ({@code written = false}) and the keys written ({@code true}).
     * <p>
     * All parts of a statement read one snapshot, so {@code previous} shows the rows as they were before the
     * upsert; the upsert's {@code where (select count(*) from previous) >= 0} makes it wait until {@code previous}
     * has locked and read every row (a row this statement changed first could not be locked by it). Rows are
     * locked and written in key order, so two writers whose keys overlap cannot deadlock.
     */
    private static final String UPSERT = """
            with previous as (
                select l.stream, l.event_key, l.version::text as version, l.event_time, l.seq
                from latest_event l
                join unnest($1::text[], $2::text[]) as k(stream, event_key)
                  on l.stream = k.stream and l.event_key = k.event_key
                order by l.stream, l.event_key
                for update of l
            ), written as (
                insert into latest_event as l (stream, event_key, seq, version, event_time, deleted)
                select st, k, s, v::numeric, t, d
                from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[], $6::boolean[])
                     as u(st, k, s, v, t, d)
                where (select count(*) from previous) >= 0
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
                returning l.stream, l.event_key
            )
            select false as written, stream, event_key, version, event_time, seq from previous
            union all
            select true, stream, event_key, null, null, null from written
            """;

    /** A key of the view. */
    public record ViewKey(String stream, String key) {
    }

    /** One key's candidate for its latest event. */
    public record ViewRow(ViewKey key, KeyOrder order, boolean deleted) {
    }

    /**
     * What an upsert found and did: the order each key held before (keys the view did not hold are absent), and the keys
     * written.
     */
    public record ViewWrite(Map<ViewKey, KeyOrder> previous, Set<ViewKey> written) {
    }

    /** Writes these rows where they are newer than the view's; returns what the view held before and what was written. */
    public Uni<ViewWrite> upsert(SqlConnection connection, List<ViewRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(new ViewWrite(Map.of(), Set.of()));
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
        return connection.preparedQuery(UPSERT).execute(params).map(result -> {
            Map<ViewKey, KeyOrder> previous = new HashMap<>();
            Set<ViewKey> written = new HashSet<>();
            for (Row row : result) {
                ViewKey key = new ViewKey(row.getString(1), row.getString(2));
                if (row.getBoolean(0)) {
                    written.add(key);
                } else {
                    String version = row.getString(3);
                    previous.put(key, new KeyOrder(version == null ? null : new BigDecimal(version),
                            row.getOffsetDateTime(4), row.getLong(5)));
                }
            }
            return new ViewWrite(previous, written);
        });
    }
}
