-- A stream's events in lake order: HTTP event streams (GET /streams/{s}/events), replays and backfills
-- page through it by (stream, seq).
create index lake_event_stream_seq on lake_event (stream, seq);

-- Replay jobs: events from the lake (the full history or the current snapshot) republished to a topic at
-- a pace. The checkpoint is how far the job's records were acknowledged by Kafka (a lake seq for history,
-- a position in (stream, key) order for a snapshot); a job resumed after a restart also reads back what its
-- last records on the target topic were, so that nothing acknowledged is sent twice.
create table replay_job (
    id              bigint generated always as identity primary key,
    state           text        not null,
    source          text        not null,
    streams         text[]      not null,
    types           text[],
    event_keys      text[],
    time_from       timestamptz,
    time_to         timestamptz,
    up_to_seq       bigint      not null,
    target_topic    text        not null,
    events_per_sec  double precision,
    spread_over     text,
    total_expected  bigint      not null,
    sent            bigint      not null default 0,
    steps           bigint      not null default 0,
    checkpoint_seq  bigint      not null default 0,
    checkpoint_stream text      not null default '',
    checkpoint_key  text        not null default '',
    owner           text,
    lease_until     timestamptz,
    error           text,
    requested_by    text        not null,
    request         jsonb       not null,
    created_at      timestamptz not null default now(),
    started_at      timestamptz,
    updated_at      timestamptz not null default now(),
    finished_at     timestamptz
);
create index replay_job_active on replay_job (state, id) where state in ('PENDING', 'RUNNING');
