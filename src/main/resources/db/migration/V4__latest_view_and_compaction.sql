-- Compaction: the latest event of every key of every stream, updated in the transaction that appends
-- the event to the lake. A row points at its lake event (seq) and holds what orders events of its key:
-- the configured version (a payload number, or a payload timestamp in epoch microseconds), the event
-- time, and the lake's arrival order (seq). A deleted key keeps its row, marked deleted, so that a late
-- event older than the delete cannot bring the key back; the row goes only when history compaction
-- removes the tombstone itself.
create table latest_event (
    stream     text        not null,
    event_key  text        not null,
    seq        bigint      not null,
    version    numeric,
    event_time timestamptz not null,
    deleted    boolean     not null default false,
    updated_at timestamptz not null default now(),
    primary key (stream, event_key)
);

-- An event that arrived after a newer event of its key: kept in the history, never in the view, never
-- forwarded (it would roll a consumer's state back).
alter table lake_event add column superseded boolean not null default false;
-- Tombstones: delete events (by type suffix or a Kafka record with a null value).
alter table lake_event add column tombstone boolean not null default false;

-- History compaction runs: what each one removed, for GET /compactions and the audit trail.
create table compaction_run (
    id                 bigint generated always as identity primary key,
    stream             text        not null,
    state              text        not null,
    older_than         timestamptz not null,
    tombstones_before  timestamptz not null,
    keys_total         bigint      not null default 0,
    keys_scanned       bigint      not null default 0,
    events_removed     bigint      not null default 0,
    tombstones_removed bigint      not null default 0,
    error              text,
    requested_by       text        not null,
    started_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    finished_at        timestamptz
);
create index compaction_run_stream on compaction_run (stream, id);
