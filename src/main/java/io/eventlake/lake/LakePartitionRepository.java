package io.eventlake.lake;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The lake's partitions by range of seq (see the V10 migration, which holds the function that creates them), and the
 * steps that drop one left empty.
 */
@ApplicationScoped
public class LakePartitionRepository {

    /** How many partitions there are, where the last one ends, and the seq the next event gets. */
    public record Layout(long partitions, long lastPartitionEnd, long nextSeq) {

        /** Seqs left before appends need a partition that is not there yet. */
        public long headroom() {
            return lastPartitionEnd - nextSeq;
        }
    }

    /** Creates partitions of {@code size} seqs until a whole one lies ahead of the sequence; answers their names. */
    public Uni<List<String>> ensure(SqlClient client, long size) {
        return client.preparedQuery("select lake_ensure_partitions($1)").execute(Tuple.of(size)).map(rows -> {
            List<String> created = new ArrayList<>();
            for (Row row : rows) {
                created.add(row.getString(0));
            }
            return created;
        });
    }

    /** Where a partition stands on its way out of the lake. */
    public enum Attachment {
        /** Part of {@code lake_event}. */
        ATTACHED,
        /** A concurrent detach began and did not finish (the service stopped during it): it is finished first. */
        DETACH_PENDING,
        /** Out of {@code lake_event}, still listed (the service stopped between the detach and the drop). */
        DETACHED,
        /** Listed but no longer there (dropped by hand): only the listing goes. */
        GONE
    }

    /** A partition that ends at or before {@code to_seq}, and how far it is attached. */
    public record EndedPartition(String name, long fromSeq, long toSeq, Attachment attachment) {
    }

    /** The partitions whose every seq lies below {@code endAtOrBefore}, oldest first. */
    public Uni<List<EndedPartition>> endedBefore(SqlClient client, long endAtOrBefore) {
        return client.preparedQuery("""
                select p.name, p.from_seq, p.to_seq, c.oid is not null, i.inhrelid is not null,
                       coalesce(i.inhdetachpending, false)
                from lake_partition p
                left join pg_class c on c.relname = p.name
                     and c.relnamespace = (select relnamespace from pg_class where oid = 'lake_event'::regclass)
                left join pg_inherits i on i.inhrelid = c.oid and i.inhparent = 'lake_event'::regclass
                where p.to_seq <= $1
                order by p.from_seq
                """).execute(Tuple.of(endAtOrBefore)).map(rows -> {
            List<EndedPartition> ended = new ArrayList<>();
            for (Row row : rows) {
                Attachment attachment = !row.getBoolean(3) ? Attachment.GONE
                        : !row.getBoolean(4) ? Attachment.DETACHED
                                : row.getBoolean(5) ? Attachment.DETACH_PENDING : Attachment.ATTACHED;
                ended.add(new EndedPartition(row.getString(0), row.getLong(1), row.getLong(2), attachment));
            }
            return ended;
        });
    }

    /**
     * Starts a pass that drops partitions left empty, on this connection: takes a session lock (one instance at a time;
     * false when another holds it) and bounds each of the pass's statements, since a concurrent detach waits for every
     * query that may still read the partition and partition creation waits for it meanwhile. A detach cut short
     * leaves its partition half-detached, which the next pass finishes.
     */
    public Uni<Boolean> beginDropPass(SqlConnection connection) {
        return connection.query("select pg_try_advisory_lock(hashtext('eventlake.lake-partition-drops'))").execute()
                .map(rows -> rows.iterator().next().getBoolean(0))
                .call(locked -> locked ? connection.query("set statement_timeout = '30s'").execute()
                        : Uni.createFrom().voidItem());
    }

    /** Ends a pass begun by {@link #beginDropPass}: the lock is released, the connection's timeout as before. */
    public Uni<Void> endDropPass(SqlConnection connection) {
        return connection.query("select pg_advisory_unlock(hashtext('eventlake.lake-partition-drops')); "
                + "reset statement_timeout").execute().replaceWithVoid();
    }

    /**
     * Whether the partition holds no row. Asked through its primary key's index (its lowest seq), not by a scan: the
     * checks ask this of every old partition, and retention deletes a partition from its start, so a scan would read
     * through all its deleted rows to the first one kept.
     */
    public Uni<Boolean> isEmpty(SqlClient client, String partition) {
        return client.query("select min(seq) is null from " + identifier(partition)).execute()
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /**
     * Takes the partition out of {@code lake_event} without blocking appends or reads: PostgreSQL waits for the
     * queries that may still look into it, under a lock that only other DDL on the lake waits for. Not in a transaction
     * block (PostgreSQL refuses it there).
     */
    public Uni<Void> detachConcurrently(SqlClient client, String partition) {
        return client.query("alter table lake_event detach partition " + identifier(partition) + " concurrently").execute()
                .replaceWithVoid();
    }

    /** Finishes a concurrent detach that was interrupted. */
    public Uni<Void> finishDetach(SqlClient client, String partition) {
        return client.query("alter table lake_event detach partition " + identifier(partition) + " finalize").execute()
                .replaceWithVoid();
    }

    /** Puts a detached partition back, for the seqs it had. */
    public Uni<Void> reattach(SqlClient client, EndedPartition partition) {
        return client.query("alter table lake_event attach partition " + identifier(partition.name())
                + " for values from (" + partition.fromSeq() + ") to (" + partition.toSeq() + ")").execute()
                .replaceWithVoid();
    }

    /** Drops a detached partition's table, if it is still there, and its listing, in one transaction. */
    public Uni<Void> drop(SqlConnection connection, String partition) {
        return connection.query("begin").execute()
                .flatMap(x -> connection.query("drop table if exists " + identifier(partition)).execute())
                .flatMap(x -> connection.preparedQuery("delete from lake_partition where name = $1")
                        .execute(Tuple.of(partition)))
                .flatMap(x -> connection.query("commit").execute())
                .onFailure().call(failure -> connection.query("rollback").execute().onFailure().recoverWithNull())
                .replaceWithVoid();
    }

    /** A partition's name quoted for SQL (the names are the lake's own, {@code lake_event_p...}; quoted all the same). */
    private static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    public Uni<Layout> layout(SqlClient client) {
        return client.query("""
                select (select count(*) from lake_partition), (select coalesce(max(to_seq), 1) from lake_partition),
                       (select case when is_called then last_value + 1 else last_value end from lake_event_seq)
                """).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new Layout(row.getLong(0), row.getLong(1), row.getLong(2));
        });
    }
}
