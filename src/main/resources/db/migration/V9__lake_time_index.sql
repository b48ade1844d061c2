-- Per hour of event time, the lowest and highest lake seq of the events in it. A query by time range reads
-- the lake by seq (its order) between these bounds instead of from the start: with the BRIN index alone the
-- planner walked the primary key from seq 0 and filtered, 0.5 s at a million events, ten times that at ten
-- million. Kept in the append's transaction; bounds only ever widen (deleting events leaves them wide, which
-- is still correct).
create table lake_time_index (
    hour    timestamptz primary key,
    min_seq bigint not null,
    max_seq bigint not null
);

insert into lake_time_index (hour, min_seq, max_seq)
select date_trunc('hour', event_time, 'UTC'), min(seq), max(seq) from lake_event group by 1;
