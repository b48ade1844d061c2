package io.eventlake.subscriptions;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL of {@code subscription}, with the state of each one's backfill job, and the lake's hand-over position. */
@ApplicationScoped
public class SubscriptionRepository {

    private static final String SELECT = """
            select s.group_id, s.streams, s.start_point, s.topics, s.backfill_topic, s.handover_seq, s.replay_job_id,
                   s.requested_by, s.created_at, j.state, j.total_expected - j.sent
            from subscription s left join replay_job j on j.id = s.replay_job_id
            """;

    /** A stored subscription, with its backfill job's state and events still to send (null without a backfill). */
    public record SubscriptionRow(String group, List<String> streams, String start, List<String> topics,
            String backfillTopic, long handoverSeq, Long replayJobId, String requestedBy, OffsetDateTime createdAt,
            String backfillState, Long backfillUnsent) {
    }

    /** The lake's last position and the database's clock when it was read. */
    public record LakePosition(OffsetDateTime readAt, long seq) {
    }

    private final Pool pool;

    @Inject
    public SubscriptionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Registers (or, on take-over, replaces) the subscription of a group. */
    public Uni<Void> upsert(String group, List<String> streams, String start, List<String> topics, String backfillTopic,
            long handoverSeq, Long replayJobId, String requestedBy) {
        return pool.preparedQuery("""
                insert into subscription (group_id, streams, start_point, topics, backfill_topic, handover_seq, replay_job_id,
                                          requested_by)
                values ($1, $2, $3, $4, $5, $6, $7, $8)
                on conflict (group_id) do update set streams = excluded.streams, start_point = excluded.start_point,
                    topics = excluded.topics, backfill_topic = excluded.backfill_topic, handover_seq = excluded.handover_seq,
                    replay_job_id = excluded.replay_job_id, requested_by = excluded.requested_by, created_at = now()
                """).execute(Tuple.tuple().addString(group).addArrayOfString(streams.toArray(String[]::new))
                .addString(start).addArrayOfString(topics.toArray(String[]::new)).addString(backfillTopic)
                .addLong(handoverSeq).addLong(replayJobId).addString(requestedBy)).replaceWithVoid();
    }

    public Uni<Optional<SubscriptionRow>> find(String group) {
        return pool.preparedQuery(SELECT + " where s.group_id = $1").execute(Tuple.of(group))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toRow(rows.iterator().next())));
    }

    /** The newest subscriptions first, in one query. */
    public Uni<List<SubscriptionRow>> list(int limit) {
        return pool.preparedQuery(SELECT + " order by s.created_at desc limit $1").execute(Tuple.of(limit))
                .map(SubscriptionRepository::toRows);
    }

    public Uni<LakePosition> lakePosition() {
        return pool.query("select clock_timestamp(), coalesce(max(seq), 0) from lake_event").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new LakePosition(row.getOffsetDateTime(0), row.getLong(1));
                });
    }

    /** Transactions that hold a transaction id and started before this instant, other than this one. */
    public Uni<Long> writingTransactionsStartedBefore(OffsetDateTime instant) {
        return pool.preparedQuery("""
                select count(*) from pg_stat_activity
                where datname = current_database() and backend_xid is not null and xact_start < $1
                  and pid <> pg_backend_pid()
                """).execute(Tuple.of(instant)).map(rows -> rows.iterator().next().getLong(0));
    }

    private static List<SubscriptionRow> toRows(RowSet<Row> rows) {
        List<SubscriptionRow> list = new ArrayList<>();
        for (Row row : rows) {
            list.add(toRow(row));
        }
        return list;
    }

    private static SubscriptionRow toRow(Row row) {
        return new SubscriptionRow(row.getString(0), List.of(row.getArrayOfStrings(1)), row.getString(2),
                List.of(row.getArrayOfStrings(3)), row.getString(4), row.getLong(5), row.getLong(6), row.getString(7),
                row.getOffsetDateTime(8), row.getString(9), row.getLong(10));
    }
}
