package io.eventlake.lake;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventlake.event.Event;
import io.eventlake.event.EventKey;
import io.eventlake.event.RecordOrigin;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL that writes {@code lake_event} ({@link LakeAppender} orchestrates it with the view). The hot path of
 * ingest, so it is one multi-row statement per batch over the
 * reactive client rather than one statement per event: PostgreSQL's
 * {@code unnest} turns column arrays into rows, and {@code on conflict do nothing} on the idempotency keys
 * ({@code lake_event_id}, see the V10 migration) makes redelivery a no-op.
 */
@ApplicationScoped
public class LakeWriteRepository {

    /**
     * Claims each event's idempotency key in {@code lake_event_id} first, with the seq it gets (in list order), then
     * stores the events whose claim went through. A key already there (a redelivery, in any partition) claims nothing
     * and stores nothing. The list holds each key once ({@link #insert}).
     */
    private static final String INSERT = """
            with input as (
                select *
                from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                            $7::text[], $8::text[], $9::bytea[], $10::text[], $11::int[], $12::bigint[], $13::int[],
                            $14::boolean[])
                     with ordinality as u(s, i, t, st, k, tm, ct, ds, d, tp, p, o, sv, ts, ord)
            ), claimed as (
                insert into lake_event_id (event_id, source, seq)
                select i, s, nextval('lake_event_seq') from (select i, s from input order by ord) in_order
                on conflict do nothing
                returning event_id, source, seq
            )
            insert into lake_event (seq, source, event_id, type, stream, event_key, event_time, content_type,
                                    data_schema, data, source_topic, source_partition, source_offset,
                                    schema_version, tombstone)
            select c.seq, s, i, t, st, k, tm, ct, ds, convert_from(d, 'UTF8')::jsonb, tp, p, o, sv, ts
            from claimed c join input on input.i = c.event_id and input.s = c.source
            order by c.seq
            returning source, event_id, seq
            """;

    private static final String MARK_SUPERSEDED = "update lake_event set superseded = true where seq = any($1::bigint[])";

    private static final String ORIGINS = """
            select e.source, e.event_id, e.source_topic, e.source_partition, e.source_offset, e.seq, e.ingested_at
            from unnest($1::text[], $2::text[]) as k(source, event_id)
            join lake_event_id i on i.event_id = k.event_id and i.source = k.source
            join lake_event e on e.seq = i.seq
            where not e.superseded
            """;

    /**
     * Where a stored event came from, its position in the lake, and when it was stored: it cannot have been
     * forwarded before then.
     */
    public record StoredOrigin(RecordOrigin origin, long seq, OffsetDateTime ingestedAt) {
    }

    /**
     * Inserts the events that are not in the lake yet, in list order; returns the keys it inserted with the
     * lake sequence number each got (ascending in list order).
     */
    public Uni<Map<EventKey, Long>> insert(SqlConnection connection, List<Event> list) {
        if (list.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        // Of several events with one key in the list, the first is the one stored (the statement claims each key once).
        Map<EventKey, Event> firsts = new LinkedHashMap<>(list.size() * 2);
        for (Event event : list) {
            firsts.putIfAbsent(EventKey.of(event), event);
        }
        List<Event> events = firsts.size() == list.size() ? list : List.copyOf(firsts.values());
        int n = events.size();
        String[] source = new String[n], id = new String[n], type = new String[n], stream = new String[n],
                key = new String[n], contentType = new String[n], dataSchema = new String[n], topic = new String[n];
        Buffer[] data = new Buffer[n];
        OffsetDateTime[] time = new OffsetDateTime[n];
        Integer[] partition = new Integer[n], schemaVersion = new Integer[n];
        Long[] offset = new Long[n];
        Boolean[] tombstone = new Boolean[n];
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            source[i] = e.source();
            id[i] = e.id();
            type[i] = e.type();
            stream[i] = e.stream();
            key[i] = e.subject();
            time[i] = e.time();
            contentType[i] = e.dataContentType();
            dataSchema[i] = e.dataSchema();
            data[i] = utf8(e.data());
            topic[i] = e.origin().topic();
            partition[i] = e.origin().partition();
            offset[i] = e.origin().offset();
            schemaVersion[i] = e.schemaVersion();
            tombstone[i] = e.tombstone();
        }
        Tuple params = Tuple.tuple()
                .addArrayOfString(source).addArrayOfString(id).addArrayOfString(type).addArrayOfString(stream)
                .addArrayOfString(key).addArrayOfOffsetDateTime(time).addArrayOfString(contentType)
                .addArrayOfString(dataSchema).addValue(data).addArrayOfString(topic)
                .addArrayOfInteger(partition).addArrayOfLong(offset).addArrayOfInteger(schemaVersion)
                .addArrayOfBoolean(tombstone);
        return connection.preparedQuery(INSERT).execute(params).map(rows -> {
            Map<EventKey, Long> inserted = new HashMap<>(rows.rowCount() * 2);
            for (Row row : rows) {
                inserted.put(new EventKey(row.getString(0), row.getString(1)), row.getLong(2));
            }
            return inserted;
        });
    }

    /**
     * The payload as UTF-8 bytes, for a {@code bytea} parameter that PostgreSQL turns into text: the client's own
     * encoding of a text parameter goes through {@code CharSequence.charAt} one character at a time, and on payloads
     * with any character beyond Latin-1 that was the largest single cost of the service's ingest CPU in a JFR profile
     * (PROFILE=1 bench/ingest.sh); the JDK's encoder does the same work several times faster.
     */
    private static Buffer utf8(String data) {
        return data == null ? null : Buffer.buffer(data.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Records the hours or minutes of event time these appended events fall in, with their seqs, for queries by time
     * range (see the V9 and V11 migrations). Called late in an append (with the view's write, see {@link LakeAppender}):
     * the current hour's and minute's rows are shared by every lane, and their locks are then held only until the
     * commit.
     */
    public Uni<Void> widenTimeIndex(SqlConnection connection, TimeBucket bucket, Map<OffsetDateTime, long[]> seqRanges) {
        if (seqRanges.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        OffsetDateTime[] buckets = seqRanges.keySet().toArray(OffsetDateTime[]::new);
        Long[] min = new Long[buckets.length];
        Long[] max = new Long[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            long[] range = seqRanges.get(buckets[i]);
            min[i] = range[0];
            max[i] = range[1];
        }
        return connection.preparedQuery(bucket.widen)
                .execute(Tuple.tuple().addArrayOfOffsetDateTime(buckets).addArrayOfLong(min).addArrayOfLong(max))
                .replaceWithVoid();
    }

    /** Marks these lake events as superseded: they arrived after a newer event of their key. */
    public Uni<Void> markSuperseded(SqlConnection connection, Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(MARK_SUPERSEDED).execute(Tuple.tuple().addArrayOfLong(seqs.toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /**
     * Where the stored copies of these events came from; superseded ones are left out, as they are never
     * forwarded.
     */
    public Uni<Map<EventKey, StoredOrigin>> originsOf(SqlConnection connection, Collection<EventKey> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        String[] sources = keys.stream().map(EventKey::source).toArray(String[]::new);
        String[] ids = keys.stream().map(EventKey::id).toArray(String[]::new);
        return connection.preparedQuery(ORIGINS).execute(Tuple.tuple().addArrayOfString(sources).addArrayOfString(ids))
                .map(rows -> {
                    Map<EventKey, StoredOrigin> origins = new HashMap<>();
                    for (Row row : rows) {
                        origins.put(new EventKey(row.getString(0), row.getString(1)), new StoredOrigin(
                                new RecordOrigin(row.getString(2), row.getInteger(3), row.getLong(4)), row.getLong(5),
                                row.getOffsetDateTime(6)));
                    }
                    return origins;
                });
    }
}
