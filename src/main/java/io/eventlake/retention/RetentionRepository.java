package io.eventlake.retention;

import java.time.OffsetDateTime;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL of retention: the deletes of a run, and the lock that makes it one run per stream across instances. */
@ApplicationScoped
public class RetentionRepository {

    /**
     * What one step of a run did: the last lake position it looked at (null: the stream has nothing after the
     * previous step's), how many of the events it looked at are within the retention, and how many it deleted.
     */
    public record Step(Long lastSeq, long young, long removed) {

        /**
         * Whether the run is over: the stream's end is reached, or the step met events within the retention; the
         * lake is in arrival order, so the events after those are younger still.
         */
        public boolean last() {
            return lastSeq == null || young > 0;
        }
    }

    /**
     * The next {@code $3} events of the stream after position {@code $2} (the stream's index, in lake order); of those
     * that arrived before {@code $4}, every one that is not the latest of its key is deleted, with its idempotency key
     * ({@code lake_event_id}: a deleted event's id is free again). One statement, so each
     * step is its own short transaction: the latest-of-key check and the delete see the same view.
     */
    private static final String STEP = """
            with scanned as (
                select seq, event_key, ingested_at from lake_event
                where stream = $1 and seq > $2
                order by seq limit $3
            ), removed as (
                delete from lake_event gone
                using scanned s
                where gone.seq = s.seq and s.ingested_at < $4
                  and not exists (select 1 from latest_event l
                                  where l.stream = $1 and l.event_key = s.event_key and l.seq = s.seq)
                returning gone.event_id, gone.source
            ), ids as (
                delete from lake_event_id i using removed where i.event_id = removed.event_id and i.source = removed.source
            )
            select (select max(seq) from scanned), (select count(*) from scanned where ingested_at >= $4),
                   (select count(*) from removed)
            """;

    /**
     * Takes the stream's retention lock on this connection (a session advisory lock, so one run per stream across
     * instances; a crash releases it); false when another connection holds it.
     */
    public Uni<Boolean> tryLock(SqlClient connection, String stream) {
        return connection.preparedQuery("select pg_try_advisory_lock(hashtext('eventlake.retention'), hashtext($1))")
                .execute(Tuple.of(stream)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<Void> unlock(SqlClient connection, String stream) {
        return connection.preparedQuery("select pg_advisory_unlock(hashtext('eventlake.retention'), hashtext($1))")
                .execute(Tuple.of(stream)).replaceWithVoid();
    }

    /** One step of a run over the stream's events after {@code afterSeq}, deleting those that arrived before the limit. */
    public Uni<Step> step(SqlClient connection, String stream, long afterSeq, int batchSize, OffsetDateTime arrivedBefore) {
        return connection.preparedQuery(STEP).execute(Tuple.of(stream, afterSeq, batchSize, arrivedBefore)).map(rows -> {
            Row row = rows.iterator().next();
            return new Step(row.getLong(0), row.getLong(1), row.getLong(2));
        });
    }
}
