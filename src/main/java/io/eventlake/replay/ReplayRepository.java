package io.eventlake.replay;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.compaction.SampledCount;
import io.eventlake.config.EventLakeConfig;
import io.eventlake.event.Event;
import io.eventlake.lake.LakeTimeIndexRepository;
import io.eventlake.lake.LakeTimeIndexRepository.SeqRange;
import io.eventlake.lake.StreamRangeRepository;
import io.eventlake.replay.ReplayJob.Checkpoint;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL of replay jobs: the job table, and the pages of events a job reads from the lake. */
@ApplicationScoped
public class ReplayRepository {

    private static final String COLUMNS = """
            id, state, source, streams, types, event_keys, time_from, time_to, target_topic, events_per_sec,
            spread_over, total_expected, total_estimated, sent, error, requested_by, created_at, started_at, updated_at,
            finished_at, up_to_seq, checkpoint_seq, checkpoint_stream, checkpoint_key, steps, end_marker
            """;

    /** The filters of a job over lake_event e: $1 streams, $2 types, $3 keys, $4 from, $5 to. */
    private static final String FILTERS = """
            e.stream = any($1::text[]) and not e.superseded
            and ($2::text[] is null or e.type = any($2::text[]))
            and ($3::text[] is null or e.event_key = any($3::text[]))
            and ($4::timestamptz is null or e.event_time >= $4) and ($5::timestamptz is null or e.event_time < $5)
            """;

    /**
     * One stream's events of a history job after $6 up to $7, in lake order, its time read as the index's readers
     * read it: the shape of its pages and of its count.
     */
    private static final String HISTORY_RANGE = FILTERS.replace("e.stream = any($1::text[])", "e.stream = ($1::text[])[1]")
            .replace("e.event_time", LakeTimeIndexRepository.eventTimeReadInSeqOrder("e.event_time"))
            + " and e.seq > $6 and e.seq <= $7 order by e.seq";

    /**
     * What a replayed record carries. The data comes as the UTF-8 bytes the record sends: read as text, the client
     * decoded each payload into a String only for the record to encode it back.
     */
    private static final String EVENT_COLUMNS = """
            e.seq, e.source, e.event_id, e.type, e.stream, e.event_key, e.event_time, e.content_type, e.data_schema,
            convert_to(e.data::text, 'UTF8'), e.tombstone
            """;

    private static final String INSERT = """
            insert into replay_job (state, source, streams, types, event_keys, time_from, time_to, up_to_seq, target_topic,
                                    events_per_sec, spread_over, total_expected, requested_by, request, end_marker,
                                    kafka_cluster, total_estimated)
            values ('PENDING', $1, $2, $3, $4, $5, $6, $13, $7, $8, $9, $10, $11, $12::jsonb, $14, $15, $16)
            returning
            """ + COLUMNS;

    /**
     * One stream's page of history: $1 is the stream (as a one-element array, like the filters elsewhere). The seq
     * range of a job with a time window is narrowed to the window's by the time index ({@link #historyRange}).
     */
    private static final String HISTORY_PAGE = "select " + EVENT_COLUMNS + " from lake_event e where " + HISTORY_RANGE
            + " limit $8";

    /** One stream's live keys that a snapshot job sends, with their latest events: $1 the stream, $2 to $5 as above. */
    private static final String SNAPSHOT_KEYS = " from latest_event l join lake_event e on e.seq = l.seq where not l.deleted and "
            + FILTERS.replace("e.stream = any($1::text[])", "l.stream = ($1::text[])[1]");

    private static final String SNAPSHOT_PAGE = "select " + EVENT_COLUMNS + SNAPSHOT_KEYS
            + " and l.event_key > $6 order by l.event_key limit $7";

    /**
     * A sample of a stream's keys, live or deleted (its first $6 in key order, read along the primary key as
     * {@code compaction.ViewKeysRepository} does; those named in $3 only, when it names some): how many it holds, and
     * of those, how many a snapshot with the filters $2 to $5 sends. Deleted keys are sampled too, so that the share
     * is of the same rows as {@link #STREAM_KEYS_ESTIMATE}: the planner's figure for live keys alone would assume the
     * stream has the view's share of deleted keys (a stream without deletes among streams with many would be
     * undercounted by as much).
     */
    private static final String SNAPSHOT_SAMPLE = """
            select count(*), count(*) filter (where not l.deleted and %s)
            from (select seq, deleted from latest_event where stream = ($1::text[])[1]
                  and ($3::text[] is null or event_key = any($3::text[])) order by event_key limit $6) l
            left join lake_event e on e.seq = l.seq and not l.deleted
            """.formatted(FILTERS.replace("e.stream = any($1::text[]) and ", ""));

    /**
     * The planner's estimate of a stream's keys in the view, live or deleted (those named in $3 only, when it names
     * some), from the statistics autovacuum keeps on the view: no row is read.
     */
    private static final String STREAM_KEYS_ESTIMATE = """
            explain (format json) select 1 from latest_event where stream = ($1::text[])[1]
            and ($3::text[] is null or event_key = any($3::text[]))
            """;

    /** How many events of a stream {@link #HISTORY_RANGE} holds, up to $8, and the first and last positions of those. */
    private static final String HISTORY_COUNT = "select count(*), min(seq), max(seq) from (select e.seq from lake_event e"
            + " where " + HISTORY_RANGE + " limit $8) counted";

    /** The last position of stream $1 after $2 up to $3, any event (an index probe). */
    private static final String STREAM_END = "select (select l.seq from " + StreamRangeRepository.lastEvent("seq", "$1", "$3")
            + " l where l.stream = $1 and l.seq > $2)";

    private static final String LAKE_END = "select coalesce(max(seq), 0) from lake_event";

    @Inject
    Pool pool;

    @Inject
    LakeTimeIndexRepository timeIndex;

    @Inject
    EventLakeConfig config;

    /** Creates a job bounded to the events in the lake now, with how many it will send. */
    public Uni<ReplayJob> create(ReplaySource source, List<String> streams, List<String> types, List<String> keys,
            OffsetDateTime from, OffsetDateTime to, String targetTopic, Double eventsPerSecond, Duration spreadOver,
            String requestedBy, String requestJson, String kafkaCluster) {
        return create(source, streams, types, keys, from, to, targetTopic, eventsPerSecond, spreadOver, requestedBy,
                requestJson, null, false, kafkaCluster);
    }

    /**
     * Creates a job; {@code upToSeq}: the last lake position it covers (null: the lake's end now);
     * {@code endMarker}: it ends with a marker record saying it is complete (a subscription's backfill).
     */
    public Uni<ReplayJob> create(ReplaySource source, List<String> streams, List<String> types, List<String> keys,
            OffsetDateTime from, OffsetDateTime to, String targetTopic, Double eventsPerSecond, Duration spreadOver,
            String requestedBy, String requestJson, Long upToSeq, boolean endMarker, String kafkaCluster) {
        Uni<Long> end = upToSeq != null ? Uni.createFrom().item(upToSeq)
                : pool.query(LAKE_END).execute().map(rows -> rows.iterator().next().getLong(0));
        return end.flatMap(upTo -> expected(source, streams, types, keys, from, to, upTo, config.replay().exactCountLimit())
                .flatMap(expected -> pool.preparedQuery(INSERT).execute(Tuple.tuple().addString(source.value())
                        .addArrayOfString(streams.toArray(String[]::new)).addArrayOfString(array(types))
                        .addArrayOfString(array(keys)).addOffsetDateTime(from).addOffsetDateTime(to).addString(targetTopic)
                        .addDouble(eventsPerSecond).addString(spreadOver == null ? null : spreadOver.toString())
                        .addLong(expected.events()).addString(requestedBy).addString(requestJson).addLong(upTo)
                        .addBoolean(endMarker).addString(kafkaCluster).addBoolean(expected.estimated()))
                        .map(rows -> toJob(rows.iterator().next()))));
    }

    /**
     * How many events a job up to lake position {@code upTo} will send. Per stream, at most {@code exactCountLimit}
     * events (a snapshot: live keys) are counted; a stream holding more has the rest estimated: a history job's from
     * the positions of the events counted ({@link ExpectedCount#extrapolated}), a snapshot's from the planner's
     * estimate of its live keys ({@link ExpectedCount#sampled}).
     */
    Uni<ExpectedCount> expected(ReplaySource source, List<String> streams, List<String> types, List<String> keys,
            OffsetDateTime from, OffsetDateTime to, long upTo, int exactCountLimit) {
        List<StreamTypes> read = StreamTypes.of(streams, types);
        if (source == ReplaySource.SNAPSHOT) {
            return sum(read, stream -> snapshotCount(stream.stream(), stream.types(), keys, from, to, exactCountLimit));
        }
        // A time window: only the seqs the time index gives it are counted, as its pages read only those.
        Uni<Optional<SeqRange>> window = from == null && to == null ? Uni.createFrom().item(Optional.of(new SeqRange(1, upTo)))
                : timeIndex.seqRange(from, to);
        return window.flatMap(range -> {
            if (range.isEmpty()) {
                return Uni.createFrom().item(ExpectedCount.NONE);
            }
            long after = range.get().first() - 1;
            long last = Math.min(upTo, range.get().last());
            return sum(read,
                    stream -> streamCount(stream.stream(), stream.types(), keys, from, to, after, last, exactCountLimit));
        });
    }

    /** The streams' counts, one stream after the other. */
    private static Uni<ExpectedCount> sum(List<StreamTypes> streams, Function<StreamTypes, Uni<ExpectedCount>> count) {
        Uni<ExpectedCount> total = Uni.createFrom().item(ExpectedCount.NONE);
        for (StreamTypes stream : streams) {
            total = total.flatMap(sum -> count.apply(stream).map(sum::plus));
        }
        return total;
    }

    /**
     * A snapshot of a stream: its keys read up to the limit (one more, to know whether there are more), exact when
     * that is all of them; otherwise the planner's estimate of the stream's keys times the share of those read that
     * are live and that the filters let through.
     */
    private Uni<ExpectedCount> snapshotCount(String stream, List<String> types, List<String> keys, OffsetDateTime from,
            OffsetDateTime to, int limit) {
        Tuple params = filters(List.of(stream), types, keys, from, to).addInteger(limit + 1);
        return StreamRangeRepository.planned(pool, SNAPSHOT_SAMPLE, params).flatMap(rows -> {
            Row sample = rows.iterator().next();
            long read = sample.getLong(0);
            long matching = sample.getLong(1);
            if (read <= limit) {
                return Uni.createFrom().item(ExpectedCount.exact(matching));
            }
            return pool.preparedQuery(STREAM_KEYS_ESTIMATE).execute(filters(List.of(stream), types, keys, from, to))
                    .map(plan -> ExpectedCount.sampled(read, matching, SampledCount.plannedRows(plan.iterator().next())));
        });
    }

    private Uni<ExpectedCount> streamCount(String stream, List<String> types, List<String> keys, OffsetDateTime from,
            OffsetDateTime to, long after, long last, int limit) {
        Tuple params = filters(List.of(stream), types, keys, from, to).addLong(after).addLong(last).addInteger(limit);
        return StreamRangeRepository.planned(pool, HISTORY_COUNT, params).flatMap(rows -> {
            Row counted = rows.iterator().next();
            long events = counted.getLong(0);
            if (events < limit) {
                return Uni.createFrom().item(ExpectedCount.exact(events));
            }
            long firstSeq = counted.getLong(1);
            long lastSeq = counted.getLong(2);
            return pool.preparedQuery(STREAM_END).execute(Tuple.of(stream, lastSeq, last)).map(ends -> {
                Long streamEnd = ends.iterator().next().getLong(0);
                return streamEnd == null ? ExpectedCount.exact(events)
                        : ExpectedCount.extrapolated(events, firstSeq, lastSeq, streamEnd);
            });
        });
    }

    public Uni<List<ReplayJob>> list(int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from replay_job order by id desc limit $1").execute(Tuple.of(limit))
                .map(rows -> {
                    List<ReplayJob> jobs = new ArrayList<>();
                    rows.forEach(row -> jobs.add(toJob(row)));
                    return jobs;
                });
    }

    /** How many jobs are in each state. */
    public Uni<Map<ReplayState, Long>> countByState() {
        return pool.query("select state, count(*) from replay_job group by state").execute().map(rows -> {
            Map<ReplayState, Long> counts = new EnumMap<>(ReplayState.class);
            rows.forEach(row -> counts.put(ReplayState.valueOf(row.getString(0)), row.getLong(1)));
            return counts;
        });
    }

    /** The jobs running now (on any instance), for their progress. */
    public Uni<List<ReplayJob>> running() {
        return pool.preparedQuery("select " + COLUMNS + " from replay_job where state = $1 order by id")
                .execute(Tuple.of(ReplayState.RUNNING.name())).map(rows -> {
                    List<ReplayJob> jobs = new ArrayList<>();
                    rows.forEach(row -> jobs.add(toJob(row)));
                    return jobs;
                });
    }

    public Uni<Optional<ReplayJob>> get(long id) {
        return pool.preparedQuery("select " + COLUMNS + " from replay_job where id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJob(rows.iterator().next())));
    }

    /** Cancels a job that has not finished; returns whether it did. */
    public Uni<Boolean> cancel(long id) {
        return pool.preparedQuery("""
                update replay_job set state = 'CANCELLED', updated_at = now(), finished_at = now()
                where id = $1 and state in ('PENDING', 'RUNNING')
                """).execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
    }

    /**
     * Claims the oldest job of this Kafka cluster that is pending, or running without a live lease (its
     * instance stopped), for this owner; others skip the locked row.
     */
    public Uni<Optional<ReplayJob>> claim(String owner, Duration lease, String kafkaCluster) {
        return pool.preparedQuery("""
                update replay_job set state = 'RUNNING', owner = $1, lease_until = now() + $2 * interval '1 millisecond',
                       started_at = coalesce(started_at, now()), updated_at = now()
                where id = (select id from replay_job
                            where (state = 'PENDING' or (state = 'RUNNING' and (lease_until is null or lease_until < now())))
                              and (kafka_cluster is null or kafka_cluster = $3)
                            order by id limit 1 for update skip locked)
                """ + " returning " + COLUMNS).execute(Tuple.of(owner, lease.toMillis(), kafkaCluster))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJob(rows.iterator().next())));
    }

    /**
     * Records a step whose records Kafka acknowledged and renews the lease; false when the job is no longer
     * this owner's to run (cancelled, or taken over after a lost lease).
     */
    public Uni<Boolean> advance(long id, String owner, Duration lease, Checkpoint checkpoint, long sentInStep) {
        return pool.preparedQuery("""
                update replay_job set sent = sent + $3, steps = $4, checkpoint_seq = $5, checkpoint_stream = $6,
                       checkpoint_key = $7, lease_until = now() + $8 * interval '1 millisecond', updated_at = now()
                where id = $1 and owner = $2 and state = 'RUNNING'
                """).execute(Tuple.tuple().addLong(id).addString(owner).addLong(sentInStep).addLong(checkpoint.steps())
                .addLong(checkpoint.seq()).addString(checkpoint.stream()).addString(checkpoint.key())
                .addLong(lease.toMillis())).map(rows -> rows.rowCount() == 1);
    }

    /** Renews the lease while the job waits for its pace; false when it is no longer this owner's. */
    public Uni<Boolean> renew(long id, String owner, Duration lease) {
        return pool
                .preparedQuery(
                        """
                                update replay_job set lease_until = now() + $3 * interval '1 millisecond' where id = $1 and owner = $2 and state = 'RUNNING'
                                """)
                .execute(Tuple.of(id, owner, lease.toMillis())).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> finish(long id, String owner, ReplayState state, String error) {
        // The total counted at the start may be estimated (a long stream), or short of an ingest transaction that
        // took its seq before the job's end position but committed after the count (its events are sent too: nothing
        // is lost), so a job that went through ends with the exact figure, what it sent, and its progress reads 100%.
        return pool.preparedQuery("""
                update replay_job set state = $3, error = $4, owner = null, lease_until = null, updated_at = now(),
                       finished_at = now(),
                       total_expected = case when $3 = 'SUCCEEDED' then sent else total_expected end,
                       total_estimated = total_estimated and $3 <> 'SUCCEEDED'
                where id = $1 and owner = $2 and state = 'RUNNING'
                """).execute(Tuple.of(id, owner, state.name(), error)).replaceWithVoid();
    }

    /**
     * The lake positions a history job reads: up to its end, and with a time window only those the window's minutes
     * and hours span in the time index (empty: the window holds nothing). Without, the first page read the lake from
     * its start up to the window, and the last from the window's end up to the job's end: 1.7 s and 1.4 s at 2.5
     * million events. Looked up once per run ({@link ReplayRunner}): over a window of years it reads tens of thousands
     * of hours of the index (22 to 49 ms for ten years, measured, more than a page of 1,000 events takes to read).
     */
    public Uni<Optional<SeqRange>> historyRange(ReplayJob job) {
        if (job.from() == null && job.to() == null) {
            return Uni.createFrom().item(Optional.of(new SeqRange(1, job.upToSeq())));
        }
        return timeIndex.seqRange(job.from(), job.to())
                .map(range -> range.map(r -> new SeqRange(r.first(), Math.min(job.upToSeq(), r.last()))));
    }

    /** The next page of a history job within its range: its events after the checkpoint, in lake order. */
    public Uni<List<PageEvent>> historyPage(ReplayJob job, Optional<SeqRange> range, long afterSeq, int limit) {
        if (range.isEmpty()) {
            return Uni.createFrom().item(new ArrayList<>());
        }
        long after = Math.max(afterSeq, range.get().first() - 1);
        long upTo = range.get().last();
        return after >= upTo ? Uni.createFrom().item(new ArrayList<>()) : historyPage(job, after, upTo, limit);
    }

    private Uni<List<PageEvent>> historyPage(ReplayJob job, long afterSeq, long upToSeq, int limit) {
        // One query per stream, each an ordered range of the (stream, seq) index; with several streams the
        // first 'limit' of their union, in lake order. (One query over all streams would sort every row left.)
        Uni<List<PageEvent>> merged = Uni.createFrom().item(new ArrayList<>());
        for (StreamTypes stream : StreamTypes.of(job.streams(), job.types())) {
            Tuple params = filters(List.of(stream.stream()), stream.types(), job.keys(), job.from(), job.to()).addLong(afterSeq)
                    .addLong(upToSeq).addInteger(limit);
            merged = merged.flatMap(events -> StreamRangeRepository.planned(pool, HISTORY_PAGE, params).map(rows -> {
                events.addAll(events(rows));
                return events;
            }));
        }
        return merged.map(events -> {
            events.sort(Comparator.comparingLong(PageEvent::lakeSeq));
            return events.size() <= limit ? events : new ArrayList<>(events.subList(0, limit));
        });
    }

    /**
     * The next page of a snapshot job: live keys after the checkpoint, in (stream, key) order, with their latest
     * event; the streams one after the other, each an ordered range of the view's primary key.
     */
    public Uni<List<PageEvent>> snapshotPage(ReplayJob job, String afterStream, String afterKey, int limit) {
        List<StreamTypes> streams = StreamTypes.of(job.streams(), job.types()).stream()
                .filter(s -> s.stream().compareTo(afterStream) >= 0).sorted(Comparator.comparing(StreamTypes::stream))
                .toList();
        return snapshotPage(job, streams, 0, afterStream, afterKey, limit, new ArrayList<>());
    }

    private Uni<List<PageEvent>> snapshotPage(ReplayJob job, List<StreamTypes> streams, int index, String afterStream,
            String afterKey, int limit, List<PageEvent> page) {
        if (index >= streams.size() || page.size() >= limit) {
            return Uni.createFrom().item(page);
        }
        StreamTypes stream = streams.get(index);
        String after = stream.stream().equals(afterStream) ? afterKey : "";
        Tuple params = filters(List.of(stream.stream()), stream.types(), job.keys(), job.from(), job.to()).addString(after)
                .addInteger(limit - page.size());
        return pool.preparedQuery(SNAPSHOT_PAGE).execute(params).flatMap(rows -> {
            page.addAll(events(rows));
            return snapshotPage(job, streams, index + 1, afterStream, afterKey, limit, page);
        });
    }

    private static List<PageEvent> events(Iterable<Row> rows) {
        List<PageEvent> events = new ArrayList<>();
        for (Row row : rows) {
            Event event = new Event(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                    row.getString(5), row.getOffsetDateTime(6), row.getString(7), row.getString(8), null, null, null,
                    row.getBoolean(10), null, row.getLong(0));
            Buffer data = row.getBuffer(9);
            events.add(new PageEvent(event, data == null ? null : data.getBytes()));
        }
        return events;
    }

    private static Tuple filters(List<String> streams, List<String> types, List<String> keys, OffsetDateTime from,
            OffsetDateTime to) {
        return Tuple.tuple().addArrayOfString(streams.toArray(String[]::new)).addArrayOfString(array(types))
                .addArrayOfString(array(keys)).addOffsetDateTime(from).addOffsetDateTime(to);
    }

    private static String[] array(List<String> values) {
        return values == null || values.isEmpty() ? null : values.toArray(String[]::new);
    }

    private static List<String> list(String[] values) {
        return values == null ? null : Arrays.asList(values);
    }

    private static ReplayJob toJob(Row row) {
        return new ReplayJob(row.getLong("id"), ReplayState.valueOf(row.getString("state")),
                ReplaySource.of(row.getString("source")).orElseThrow(),
                list(row.getArrayOfStrings("streams")), list(row.getArrayOfStrings("types")),
                list(row.getArrayOfStrings("event_keys")), row.getOffsetDateTime("time_from"),
                row.getOffsetDateTime("time_to"), row.getString("target_topic"), row.getDouble("events_per_sec"),
                row.getString("spread_over"),
                row.getLong("total_expected"), row.getBoolean("total_estimated"), row.getLong("sent"), null, null,
                row.getString("error"),
                row.getString("requested_by"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("started_at"),
                row.getOffsetDateTime("updated_at"), row.getOffsetDateTime("finished_at"), row.getLong("up_to_seq"),
                new Checkpoint(row.getLong("steps"), row.getLong("checkpoint_seq"), row.getString("checkpoint_stream"),
                        row.getString("checkpoint_key")),
                row.getBoolean("end_marker"));
    }
}
