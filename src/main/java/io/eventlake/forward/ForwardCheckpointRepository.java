package io.eventlake.forward;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * How far each ingest partition has been forwarded. Kafka's committed offset says what was acknowledged;
 * this says what was forwarded, so a redelivered record that was stored but never forwarded (a crash
 * between the two) is forwarded, and one that was forwarded is not forwarded twice.
 */
@ApplicationScoped
public class ForwardCheckpointRepository {

    private static final String LOAD = """
            select c.topic, c.partition, c.forwarded_offset
            from forward_checkpoint c
            join unnest($1::text[], $2::int[]) as p(topic, partition)
              on c.topic = p.topic and c.partition = p.partition
            """;

    /**
     * One statement, run on its own (its implicit transaction): {@code set_config(..., true)} makes this
     * transaction's commit not wait for the WAL flush. Was begin, set local, insert, commit: four round trips on
     * every batch's path to its acknowledgement.
     */
    private static final String ADVANCE = """
            with asynchronous_commit as (select set_config('synchronous_commit', 'off', true))
            insert into forward_checkpoint (topic, partition, forwarded_offset)
            select p.topic, p.partition, p.forwarded_offset
            from unnest($1::text[], $2::int[], $3::bigint[]) as p(topic, partition, forwarded_offset)
            cross join asynchronous_commit
            on conflict (topic, partition) do update
            set forwarded_offset = greatest(forward_checkpoint.forwarded_offset, excluded.forwarded_offset),
                updated_at = now()
            """;

    @Inject
    Pool pool;

    public Uni<Map<TopicPartitionKey, Long>> load(SqlConnection connection, Collection<TopicPartitionKey> partitions) {
        if (partitions.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Tuple params = Tuple.tuple()
                .addArrayOfString(partitions.stream().map(TopicPartitionKey::topic).toArray(String[]::new))
                .addArrayOfInteger(partitions.stream().map(TopicPartitionKey::partition).toArray(Integer[]::new));
        return connection.preparedQuery(LOAD).execute(params).map(rows -> {
            Map<TopicPartitionKey, Long> checkpoints = new HashMap<>();
            for (Row row : rows) {
                checkpoints.put(new TopicPartitionKey(row.getString(0), row.getInteger(1)), row.getLong(2));
            }
            return checkpoints;
        });
    }

    /**
     * Records that everything up to these offsets (inclusive) has been forwarded. Never moves backwards.
     * <p>
     * Written without waiting for the WAL flush ({@code synchronous_commit = off}, see {@link #ADVANCE}): a
     * checkpoint lost in a database crash only means a few records are forwarded again, which at-least-once
     * allows, and it saves a disk flush on every batch.
     */
    public Uni<Void> advance(Map<TopicPartitionKey, Long> forwardedUpTo) {
        if (forwardedUpTo.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var entries = forwardedUpTo.entrySet();
        Tuple params = Tuple.tuple()
                .addArrayOfString(entries.stream().map(e -> e.getKey().topic()).toArray(String[]::new))
                .addArrayOfInteger(entries.stream().map(e -> e.getKey().partition()).toArray(Integer[]::new))
                .addArrayOfLong(entries.stream().map(Map.Entry::getValue).toArray(Long[]::new));
        return pool.preparedQuery(ADVANCE).execute(params).replaceWithVoid();
    }
}
