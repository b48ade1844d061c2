package io.eventlake.deadletter;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventlake.compaction.SampledCount;
import io.eventlake.deadletter.DeadLetterViews.Action;
import io.eventlake.deadletter.DeadLetterViews.DeadLetterDetail;
import io.eventlake.deadletter.DeadLetterViews.DeadLetterSummary;
import io.eventlake.error.Violation;
import io.eventlake.lake.StreamRangeRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads and updates of dead letters. Lists page by id with the (filter, id) indexes of the migrations. */
@ApplicationScoped
public class DeadLetterRepository {

    private static final String SUMMARY = """
            id, status, reason_code, reason, event_type, source_topic, source_partition, source_offset, attempts,
            created_at, updated_at""";

    private static final String DETAIL = SUMMARY + """
            , consumer_group, record_key, payload, headers::text, violations::text, record_timestamp""";

    /** Filter conditions on $1..$5 (type, reason, status, from, to), each ignored when null. */
    private static final String WHERE = """
            ($1::text is null or event_type = $1) and ($2::text is null or reason_code = $2)
            and ($3::text is null or status = $3) and ($4::timestamptz is null or created_at >= $4)
            and ($5::timestamptz is null or created_at < $5)""";

    private static final String COUNT_UP_TO = "select count(*) from (select 1 from dead_letter where " + WHERE
            + " and id > $6 limit $7) counted";

    private static final String PLANNED_COUNT = "explain (format json) select 1 from dead_letter where " + WHERE
            + " and id > $6";

    public Uni<List<DeadLetterSummary>> page(SqlClient client, DeadLetterFilter filter, long afterId, int limit) {
        return client.preparedQuery("select " + SUMMARY + " from dead_letter where " + WHERE
                + " and id > $6 order by id limit $7")
                .execute(filterTuple(filter).addLong(afterId).addInteger(limit))
                .map(rows -> {
                    List<DeadLetterSummary> page = new ArrayList<>(rows.size());
                    rows.forEach(row -> page.add(summary(row)));
                    return page;
                });
    }

    /** Dead letters waiting for an operator (status PENDING), by reason code. */
    public Uni<Map<String, Long>> pendingByReason(SqlClient client) {
        return client.preparedQuery("select reason_code, count(*) from dead_letter where status = $1 group by reason_code")
                .execute(Tuple.of(DeadLetterStatus.PENDING.name())).map(rows -> {
                    Map<String, Long> counts = new TreeMap<>();
                    rows.forEach(row -> counts.put(row.getString(0), row.getLong(1)));
                    return counts;
                });
    }

    /**
     * How many dead letters after {@code afterId} the filter matches, counted up to {@code limit}: at most that many
     * index entries are read, however many match (2 million pending took 0.3 to 0.65 s to count in full).
     */
    public Uni<Long> countUpTo(Pool pool, DeadLetterFilter filter, long afterId, long limit) {
        return StreamRangeRepository.planned(pool, COUNT_UP_TO, filterTuple(filter).addLong(afterId).addLong(limit))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** The planner's estimate of the dead letters after {@code afterId} the filter matches: no row is read. */
    public Uni<Long> plannedCount(Pool pool, DeadLetterFilter filter, long afterId) {
        return StreamRangeRepository.planned(pool, PLANNED_COUNT, filterTuple(filter).addLong(afterId))
                .map(rows -> SampledCount.plannedRows(rows.iterator().next()));
    }

    public Uni<Optional<DeadLetterDetail>> detail(SqlClient client, long id) {
        return client.preparedQuery("select " + DETAIL + " from dead_letter where id = $1").execute(Tuple.of(id))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<DeadLetterDetail> empty());
                    }
                    Row row = rows.iterator().next();
                    return actions(client, id).map(actions -> Optional.of(detail(row, actions)));
                });
    }

    /** The dead letter with everything a redrive needs, locked until the transaction ends. */
    public Uni<Optional<LockedDeadLetter>> lock(SqlConnection connection, long id) {
        return connection.preparedQuery("select " + DETAIL + " from dead_letter where id = $1 for update")
                .execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new LockedDeadLetter(summary(row), bytes(row.getBuffer(12)), bytes(row.getBuffer(13)),
                            row.getString(14), row.getOffsetDateTime(16)));
                });
    }

    public Uni<Void> setStatus(SqlConnection connection, long id, DeadLetterStatus status) {
        return connection.preparedQuery("update dead_letter set status = $2, updated_at = now() where id = $1")
                .execute(Tuple.of(id, status.name())).replaceWithVoid();
    }

    /** A redrive that failed again: the reason is now the current one. */
    public Uni<Void> setReason(SqlConnection connection, long id, String code, String reason, List<Violation> violations) {
        JsonArray array = new JsonArray();
        violations.forEach(v -> array.add(new JsonObject().put("pointer", v.pointer()).put("message", v.message())));
        return connection.preparedQuery("""
                update dead_letter set reason_code = $2, reason = $3, violations = $4::text::jsonb, updated_at = now()
                where id = $1""")
                .execute(Tuple.of(id, code, reason, violations.isEmpty() ? null : array.encode())).replaceWithVoid();
    }

    public Uni<Void> recordAction(SqlConnection connection, long id, DeadLetterAction action,
            DeadLetterAction.Outcome outcome, String detail,
            String eventId, String by) {
        return connection.preparedQuery("""
                insert into dead_letter_action (dead_letter_id, action, outcome, detail, event_id, requested_by)
                values ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.tuple().addLong(id).addString(action.name()).addString(outcome.name()).addString(detail)
                        .addString(eventId)
                        .addString(by))
                .replaceWithVoid();
    }

    private Uni<List<Action>> actions(SqlClient client, long id) {
        return client.preparedQuery("""
                select action, outcome, detail, event_id, requested_by, at from dead_letter_action
                where dead_letter_id = $1 order by id""").execute(Tuple.of(id)).map(rows -> {
            List<Action> actions = new ArrayList<>();
            rows.forEach(row -> actions.add(new Action(row.getString(0), row.getString(1), row.getString(2),
                    row.getString(3), row.getString(4), row.getOffsetDateTime(5))));
            return actions;
        });
    }

    private static Tuple filterTuple(DeadLetterFilter f) {
        return Tuple.tuple().addString(f.type()).addString(f.reason()).addString(f.status()).addOffsetDateTime(f.from())
                .addOffsetDateTime(f.to());
    }

    private static DeadLetterSummary summary(Row row) {
        return new DeadLetterSummary(row.getLong(0), DeadLetterStatus.valueOf(row.getString(1)), row.getString(2),
                row.getString(3), row.getString(4),
                row.getString(5), row.getInteger(6), row.getLong(7), row.getInteger(8), row.getOffsetDateTime(9),
                row.getOffsetDateTime(10));
    }

    private static DeadLetterDetail detail(Row row, List<Action> actions) {
        byte[] key = bytes(row.getBuffer(12));
        byte[] payload = bytes(row.getBuffer(13));
        String keyText = NewDeadLetterRepository.utf8OrNull(key);
        String payloadText = NewDeadLetterRepository.utf8OrNull(payload);
        return new DeadLetterDetail(summary(row), row.getString(11), keyText,
                key != null && keyText == null ? Base64.getEncoder().encodeToString(key) : null,
                payloadText, payload != null && payloadText == null ? Base64.getEncoder().encodeToString(payload) : null,
                row.getString(14), row.getString(15), row.getOffsetDateTime(16), actions);
    }

    private static byte[] bytes(Buffer buffer) {
        return buffer == null ? null : buffer.getBytes();
    }

    /** A dead letter locked for a redrive or discard, with its original bytes and headers (JSON). */
    public record LockedDeadLetter(DeadLetterSummary summary, byte[] key, byte[] payload, String headersJson,
            OffsetDateTime recordTimestamp) {
    }
}
