package io.eventlake.compaction;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventlake.compaction.ViewKeysRepository.KeyCounts;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL of {@code compaction_run} and of the deletes a run makes. */
@ApplicationScoped
public class CompactionRunRepository {

    private static final String COLUMNS = """
            id, stream, state, older_than, tombstones_before, keys_total, keys_total_estimated, keys_scanned,
            events_removed, tombstones_removed, error, requested_by, started_at, updated_at, finished_at
            """;

    /** A batch of keys of a stream with the lake position of each one's latest event. */
    public record KeyBatch(List<String> keys, List<Long> latestSeqs) {
    }

    /** A batch of the stream's keys, in key order after the previous batch's last key. */
    private static final String KEYS = """
            select event_key, seq from latest_event
            where stream = $1 and event_key > $2
            order by event_key limit $3
            """;

    /**
     * Every event of these keys older than the limit, except each key's latest, with its idempotency key (a removed
     * event is gone from the lake; its id is free again, as before the lake was partitioned).
     */
    private static final String REMOVE_SUPERSEDED = """
            with gone as (
                delete from lake_event e
                using unnest($2::text[], $3::bigint[]) as k(event_key, seq)
                where e.event_key = k.event_key and e.stream = $1 and e.seq <> k.seq and e.ingested_at < $4
                returning e.event_id, e.source
            ), ids as (
                delete from lake_event_id i using gone where i.event_id = gone.event_id and i.source = gone.source
            )
            select count(*) from gone
            """;

    /** Deleted keys whose tombstone is past its retention: the view row goes, then the tombstone itself. */
    private static final String REMOVE_TOMBSTONED_KEYS = """
            delete from latest_event l
            using lake_event e
            where l.stream = $1 and l.event_key = any($2::text[]) and l.deleted
              and e.seq = l.seq and e.ingested_at < $3
            returning l.seq
            """;

    private static final String REMOVE_EVENTS = """
            with gone as (
                delete from lake_event where seq = any($1::bigint[]) returning event_id, source
            )
            delete from lake_event_id i using gone where i.event_id = gone.event_id and i.source = gone.source
            """;

    /**
     * Takes the stream's compaction lock on this connection (a session advisory lock, so one run per stream across
     * instances); false when another connection holds it.
     */
    public Uni<Boolean> tryLock(SqlClient connection, String stream) {
        return connection.preparedQuery("select pg_try_advisory_lock(hashtext('eventlake.compaction'), hashtext($1))")
                .execute(Tuple.of(stream)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<Void> unlock(SqlClient connection, String stream) {
        return connection.preparedQuery("select pg_advisory_unlock(hashtext('eventlake.compaction'), hashtext($1))")
                .execute(Tuple.of(stream)).replaceWithVoid();
    }

    /** Up to {@code limit} keys of the stream after {@code afterKey}, in key order. */
    public Uni<KeyBatch> keys(SqlClient connection, String stream, String afterKey, int limit) {
        return connection.preparedQuery(KEYS).execute(Tuple.of(stream, afterKey, limit)).map(rows -> {
            List<String> keys = new ArrayList<>();
            List<Long> seqs = new ArrayList<>();
            for (Row row : rows) {
                keys.add(row.getString(0));
                seqs.add(row.getLong(1));
            }
            return new KeyBatch(keys, seqs);
        });
    }

    /** Removes every event of these keys older than the limit except each key's latest; answers how many. */
    public Uni<Integer> removeSuperseded(SqlClient connection, String stream, KeyBatch batch, OffsetDateTime olderThan) {
        return connection.preparedQuery(REMOVE_SUPERSEDED)
                .execute(Tuple.tuple().addString(stream).addArrayOfString(batch.keys().toArray(String[]::new))
                        .addArrayOfLong(batch.latestSeqs().toArray(Long[]::new)).addOffsetDateTime(olderThan))
                .map(rows -> rows.iterator().next().getLong(0).intValue());
    }

    /** Removes the view rows of these keys deleted before {@code before}; answers their tombstones' seqs. */
    public Uni<List<Long>> removeTombstonedKeys(SqlClient connection, String stream, List<String> keys,
            OffsetDateTime before) {
        return connection.preparedQuery(REMOVE_TOMBSTONED_KEYS)
                .execute(Tuple.tuple().addString(stream).addArrayOfString(keys.toArray(String[]::new))
                        .addOffsetDateTime(before))
                .map(rows -> {
                    List<Long> seqs = new ArrayList<>();
                    rows.forEach(row -> seqs.add(row.getLong(0)));
                    return seqs;
                });
    }

    public Uni<Void> removeEvents(SqlClient connection, List<Long> seqs) {
        return connection.preparedQuery(REMOVE_EVENTS).execute(Tuple.tuple().addArrayOfLong(seqs.toArray(Long[]::new)))
                .replaceWithVoid();
    }

    public Uni<CompactionRun> create(SqlClient client, String stream, OffsetDateTime olderThan, OffsetDateTime tombstonesBefore,
            String by, KeyCounts keys) {
        return client.preparedQuery("""
                insert into compaction_run (stream, state, older_than, tombstones_before, keys_total, keys_total_estimated,
                                            requested_by)
                values ($1, 'RUNNING', $2, $3, $4, $5, $6)
                """ + " returning " + COLUMNS)
                .execute(Tuple.of(stream, olderThan, tombstonesBefore, keys.total(), keys.estimated(), by))
                .map(rows -> toRun(rows.iterator().next()));
    }

    public Uni<Void> progress(SqlClient client, long id, long keys, long events, long tombstones) {
        return client.preparedQuery("""
                update compaction_run set keys_scanned = keys_scanned + $2, events_removed = events_removed + $3,
                       tombstones_removed = tombstones_removed + $4, updated_at = now()
                where id = $1
                """).execute(Tuple.of(id, keys, events, tombstones)).replaceWithVoid();
    }

    public Uni<Void> finish(SqlClient client, long id, CompactionState state, String error) {
        // The total at the start may be estimated (a stream with many keys), or keys may have come since: a run that
        // went through ends with what it scanned.
        return client.preparedQuery("""
                update compaction_run set state = $2, error = $3, updated_at = now(), finished_at = now(),
                       keys_total = case when $2 = 'SUCCEEDED' then keys_scanned else keys_total end,
                       keys_total_estimated = keys_total_estimated and $2 <> 'SUCCEEDED'
                where id = $1
                """).execute(Tuple.of(id, state.name(), error)).replaceWithVoid();
    }

    /** Runs left RUNNING by an instance that stopped: marked FAILED so that they do not look alive. */
    public Uni<Void> abandon(SqlClient client, String stream) {
        return client.preparedQuery("""
                update compaction_run set state = 'FAILED', error = 'interrupted: the service running it stopped',
                       updated_at = now(), finished_at = now()
                where stream = $1 and state = 'RUNNING'
                """).execute(Tuple.of(stream)).replaceWithVoid();
    }

    public Uni<Optional<CompactionRun>> get(SqlClient client, long id) {
        return client.preparedQuery("select " + COLUMNS + " from compaction_run where id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toRun(rows.iterator().next())));
    }

    /** How many runs are in each state, of every stream. */
    public Uni<Map<CompactionState, Long>> countByState(SqlClient client) {
        return client.query("select state, count(*) from compaction_run group by state").execute().map(rows -> {
            Map<CompactionState, Long> counts = new EnumMap<>(CompactionState.class);
            rows.forEach(row -> counts.put(CompactionState.valueOf(row.getString(0)), row.getLong(1)));
            return counts;
        });
    }

    /** The latest runs first, optionally of one stream. */
    public Uni<List<CompactionRun>> list(SqlClient client, String stream, int limit) {
        return client.preparedQuery("select " + COLUMNS + " from compaction_run where ($1::text is null or stream = $1) "
                + "order by id desc limit $2").execute(Tuple.of(stream, limit)).map(rows -> {
                    List<CompactionRun> runs = new ArrayList<>();
                    for (Row row : rows) {
                        runs.add(toRun(row));
                    }
                    return runs;
                });
    }

    private static CompactionRun toRun(Row row) {
        return new CompactionRun(row.getLong("id"), row.getString("stream"),
                CompactionState.valueOf(row.getString("state")),
                row.getOffsetDateTime("older_than"), row.getOffsetDateTime("tombstones_before"), row.getLong("keys_total"),
                row.getBoolean("keys_total_estimated"), row.getLong("keys_scanned"), row.getLong("events_removed"),
                row.getLong("tombstones_removed"),
                row.getString("error"), row.getString("requested_by"), row.getOffsetDateTime("started_at"),
                row.getOffsetDateTime("updated_at"), row.getOffsetDateTime("finished_at"));
    }
}
