package io.eventlake.lake;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * One background job per stream across instances (history compaction, retention): a PostgreSQL session advisory lock
 * on the job's own connection, keyed by the job's kind and the stream, released when the job ends or its connection
 * goes (a crash releases it).
 */
public final class StreamJobLocks {

    private StreamJobLocks() {
    }

    /** Takes the lock of this kind of job on the stream; false when another connection holds it. */
    public static Uni<Boolean> tryLock(SqlClient connection, String job, String stream) {
        return connection.preparedQuery("select pg_try_advisory_lock(hashtext($1), hashtext($2))")
                .execute(Tuple.of(job, stream)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    public static Uni<Void> unlock(SqlClient connection, String job, String stream) {
        return connection.preparedQuery("select pg_advisory_unlock(hashtext($1), hashtext($2))")
                .execute(Tuple.of(job, stream)).replaceWithVoid();
    }
}
