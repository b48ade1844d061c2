-- Per minute of event time, the lowest and highest lake seq of the events in it, beside V9's hours. A query by time
-- range read from the first seq of the hour its window starts in, through every event of that hour before the
-- window: half an hour of events on average, the whole hour when the window starts after the hour's last event.
-- Now the ends of a window are looked up by the minute and the whole hours between them by the hour
-- (LakeEventRepository), so a page reads at most a minute of events before the window, and the lookup at most
-- about 120 minute rows plus one row per whole hour, however long the window. Kept in the append's transaction
-- like the hours; bounds only ever widen.
create table lake_time_minute (
    minute  timestamptz primary key,
    min_seq bigint not null,
    max_seq bigint not null
);

-- Widens both time indexes to take in the lake's events after a seq, as the service's appends do, in one pass over
-- them: for this migration's backfill and for bulk loads straight into the tables (the benchmarks).
create function lake_index_event_times(after_seq bigint) returns void language sql as $$
    with minutes as (
        select date_trunc('minute', event_time, 'UTC') as minute, min(seq) as min_seq, max(seq) as max_seq
        from lake_event where seq > after_seq group by 1
    ), hours as (
        insert into lake_time_index as t (hour, min_seq, max_seq)
        select date_trunc('hour', minute, 'UTC'), min(min_seq), max(max_seq) from minutes group by 1 order by 1
        on conflict (hour) do update set min_seq = least(t.min_seq, excluded.min_seq),
                                          max_seq = greatest(t.max_seq, excluded.max_seq)
    )
    insert into lake_time_minute as t (minute, min_seq, max_seq)
    select minute, min_seq, max_seq from minutes order by 1
    on conflict (minute) do update set min_seq = least(t.min_seq, excluded.min_seq),
                                        max_seq = greatest(t.max_seq, excluded.max_seq);
$$;

-- An existing lake's events, once (one pass over the whole lake).
select lake_index_event_times(0);
