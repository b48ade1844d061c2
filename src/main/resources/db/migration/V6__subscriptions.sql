-- Subscriptions: consumer groups registered with a start point. A backfill (a replay job to the
-- subscription's own topic, ended by a marker record) covers the events up to handover_seq; the group's
-- offsets on the clean topics were set where those events end, and a consumer skips clean records whose
-- eventlake-seq is at or below handover_seq.
create table subscription (
    group_id        text        primary key,
    streams         text[]      not null,
    start_point     text        not null,
    topics          text[]      not null,
    backfill_topic  text,
    handover_seq    bigint      not null,
    replay_job_id   bigint      references replay_job (id),
    requested_by    text        not null,
    created_at      timestamptz not null default now()
);

-- A replay that ends with a marker record (a backfill): the record says the backfill is complete.
alter table replay_job add column end_marker boolean not null default false;
