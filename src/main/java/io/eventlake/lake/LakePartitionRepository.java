package io.eventlake.lake;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The lake's partitions by range of seq (see the V10 migration, which holds the function that creates them). */
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
