package io.eventlake.offsets;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.offsets.ConsumerGroupViews.OffsetChange;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The audit of executed resets and copies. */
@ApplicationScoped
public class OffsetChangeRepository {

    @Inject
    Pool pool;

    @Inject
    ObjectMapper mapper;

    public Uni<Void> record(String group, String operation, String strategy, String value, String fromGroup,
            List<PlannedOffset> plan, String requestedBy) {
        String planJson;
        try {
            planJson = mapper.writeValueAsString(plan);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return pool.preparedQuery("""
                insert into offset_change (group_id, operation, strategy, value, from_group, plan, requested_by)
                values ($1, $2, $3, $4, $5, $6::text::jsonb, $7)""")
                .execute(Tuple.tuple().addString(group).addString(operation).addString(strategy).addString(value)
                        .addString(fromGroup).addString(planJson).addString(requestedBy))
                .replaceWithVoid();
    }

    /** Newest first; {@code group} may be null for every group. */
    public Uni<List<OffsetChange>> list(String group, long beforeId, int limit) {
        return pool.preparedQuery("""
                select id, group_id, operation, strategy, value, from_group, requested_by, executed_at, plan::text
                from offset_change
                where ($1::text is null or group_id = $1) and id < $2
                order by id desc limit $3""")
                .execute(Tuple.of(group, beforeId, limit)).map(rows -> {
                    List<OffsetChange> changes = new ArrayList<>();
                    for (Row row : rows) {
                        changes.add(new OffsetChange(row.getLong(0), row.getString(1), row.getString(2),
                                row.getString(3), row.getString(4), row.getString(5), row.getString(6),
                                row.getOffsetDateTime(7), row.getString(8)));
                    }
                    return changes;
                });
    }
}
