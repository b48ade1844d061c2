package io.eventlake.lake;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The granularities of the lake's time index: per hour (V9) and per minute (V11) of event time, the lowest and highest
 * seq of the events in it. A query by time range finds the seqs to read from the minutes at the ends of its window and
 * the whole hours between them ({@link LakeTimeIndexRepository}).
 */
enum TimeBucket {
    HOUR(ChronoUnit.HOURS, "lake_time_index", "hour"),
    MINUTE(ChronoUnit.MINUTES, "lake_time_minute", "minute");

    private final ChronoUnit unit;
    /** Widens each bucket's seq bounds to take these in; buckets in ascending order, so two lanes never deadlock. */
    final String widen;

    TimeBucket(ChronoUnit unit, String table, String column) {
        this.unit = unit;
        this.widen = """
                insert into %1$s as t (%2$s, min_seq, max_seq)
                select * from unnest($1::timestamptz[], $2::bigint[], $3::bigint[]) order by 1
                on conflict (%2$s) do update set min_seq = least(t.min_seq, excluded.min_seq),
                                                 max_seq = greatest(t.max_seq, excluded.max_seq)
                where excluded.min_seq < t.min_seq or excluded.max_seq > t.max_seq
                """.formatted(table, column);
    }

    /** The bucket an event time falls in (UTC, as the migrations compute it). */
    OffsetDateTime of(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(unit);
    }
}
