-- The lake: append-only history of every event that made it through ingest.
-- seq is the lake's own order (arrival order); cursors and pagination use it.
create table lake_event (
    seq              bigint generated always as identity primary key,
    source           text        not null,
    event_id         text        not null,
    type             text        not null,
    stream           text        not null,
    event_key        text,
    event_time       timestamptz not null,
    ingested_at      timestamptz not null default now(),
    content_type     text,
    data_schema      text,
    data             jsonb,
    source_topic     text        not null,
    source_partition integer     not null,
    source_offset    bigint      not null
);

-- Idempotency: source + id identify an event (CloudEvents). A redelivered record hits this index and
-- becomes no second row. event_id leads so that GET /events/{id} is served by the same index.
create unique index lake_event_idempotency on lake_event (event_id, source);

-- GET /events filters by type or by key and pages by seq: each filter has an index in page order.
create index lake_event_type_seq on lake_event (type, seq);
create index lake_event_key_seq on lake_event (event_key, seq) where event_key is not null;

-- Time-range filters: events arrive roughly in time order, so a BRIN index prunes whole block ranges
-- for a fraction of a b-tree's size and insert cost.
create index lake_event_time_brin on lake_event using brin (event_time);

-- Records that could not become events, with everything needed to inspect and redrive them.
create table dead_letter (
    id               bigint generated always as identity primary key,
    reason_code      text        not null,
    reason           text        not null,
    event_type       text,
    source_topic     text        not null,
    source_partition integer     not null,
    source_offset    bigint      not null,
    consumer_group   text,
    record_key       bytea,
    payload          bytea,
    headers          jsonb       not null default '[]',
    record_timestamp timestamptz,
    attempts         integer     not null default 1,
    status           text        not null default 'PENDING',
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

-- A redelivered bad record counts as another attempt, never as a second dead letter.
create unique index dead_letter_source_record on dead_letter (source_topic, source_partition, source_offset);
create index dead_letter_created on dead_letter (created_at, id);

-- How far each ingest partition has been forwarded. A record redelivered at or below this offset was
-- already forwarded and is not forwarded twice; one above it is (it may have been stored, not forwarded).
create table forward_checkpoint (
    topic            text        not null,
    partition        integer     not null,
    forwarded_offset bigint      not null,
    updated_at       timestamptz not null default now(),
    primary key (topic, partition)
);
