-- The lake becomes a table partitioned by range of seq, so that it can hold hundreds of millions of events: each
-- partition has its own indexes, so appends touch only the newest (small, cached) ones; vacuum and index
-- maintenance work a partition at a time; old partitions stay cold on disk.
--
-- A partitioned table's unique indexes must contain its partition key, so idempotency (source + id identify an
-- event) moves to a table of its own, lake_event_id, which an append claims first (LakeWriteRepository): a
-- redelivered record finds its id there and becomes no second row. event_id leads, so GET /events/{id} is served
-- by the same index, then reads the event by its seq.
create table lake_event_id (
    event_id text   not null,
    source   text   not null,
    seq      bigint not null,
    primary key (event_id, source)
);
insert into lake_event_id (event_id, source, seq) select event_id, source, seq from lake_event;

-- seq keeps counting where the identity column stopped; a plain sequence because PostgreSQL 15 does not allow an
-- identity column on a partitioned table.
create sequence lake_event_seq as bigint;
select setval('lake_event_seq', coalesce((select max(seq) from lake_event), 0) + 1, false);

-- The existing table becomes the first partition (the rows stay where they are): renamed, with its indexes.
alter table lake_event rename to lake_event_legacy;
alter index lake_event_pkey rename to lake_event_legacy_pkey;
alter index lake_event_key_seq rename to lake_event_legacy_key_seq;
alter index lake_event_stream_seq rename to lake_event_legacy_stream_seq;
alter index lake_event_time_brin rename to lake_event_legacy_time_brin;
alter index lake_event_type_seq rename to lake_event_legacy_type_seq;
drop index lake_event_idempotency;
alter table lake_event_legacy alter column seq drop identity;

create table lake_event (
    seq              bigint      not null default nextval('lake_event_seq'),
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
    source_offset    bigint      not null,
    schema_version   integer,
    superseded       boolean     not null default false,
    tombstone        boolean     not null default false,
    primary key (seq)
) partition by range (seq);
alter sequence lake_event_seq owned by lake_event.seq;

-- The same indexes as before, per partition (see V1 and V5 for what each serves).
create index lake_event_type_seq on lake_event (type, seq);
create index lake_event_key_seq on lake_event (event_key, seq) where event_key is not null;
create index lake_event_time_brin on lake_event using brin (event_time);
create index lake_event_stream_seq on lake_event (stream, seq);

-- The partitions and their seq ranges [from_seq, to_seq), in creation order; LakePartitions keeps at least one
-- whole partition ahead of the sequence.
create table lake_partition (
    name       text        primary key,
    from_seq   bigint      not null,
    to_seq     bigint      not null,
    created_at timestamptz not null default now()
);

-- Creates partitions of `size` seqs after the last one until the one after the sequence's position is there too
-- (so appends never wait for one); returns the names it created. One caller at a time (a transaction lock). A new
-- partition is created empty and attached, which locks the lake only for SHARE UPDATE EXCLUSIVE: appends go on.
create function lake_ensure_partitions(size bigint) returns setof text language plpgsql as $$
declare
    last_to bigint;
    position bigint;
    partition_name text;
begin
    if size is null or size < 1 then
        raise exception 'partition size must be positive, got %', size;
    end if;
    perform pg_advisory_xact_lock(hashtext('eventlake.lake-partitions'));
    select coalesce(max(to_seq), 1) into last_to from lake_partition;
    select case when is_called then last_value + 1 else last_value end into position from lake_event_seq;
    while last_to < position + size loop
        partition_name := format('lake_event_p%s', lpad(last_to::text, 19, '0'));
        execute format('create table %I (like lake_event including defaults including constraints)', partition_name);
        execute format('alter table lake_event attach partition %I for values from (%s) to (%s)',
                       partition_name, last_to, last_to + size);
        insert into lake_partition (name, from_seq, to_seq) values (partition_name, last_to, last_to + size);
        return next partition_name;
        last_to := last_to + size;
    end loop;
end $$;

-- The old rows: attached as the partition below every new seq (a check constraint proved first, so attaching does
-- not scan the table again under a stronger lock), or dropped when there were none.
do $$
declare
    next_seq bigint := (select max(seq) from lake_event_legacy) + 1;
begin
    if next_seq is null then
        drop table lake_event_legacy;
    else
        execute format('alter table lake_event_legacy add constraint lake_event_legacy_range check (seq < %s)', next_seq);
        execute format('alter table lake_event attach partition lake_event_legacy for values from (minvalue) to (%s)',
                       next_seq);
        alter table lake_event_legacy drop constraint lake_event_legacy_range;
        insert into lake_partition (name, from_seq, to_seq) values ('lake_event_legacy', 0, next_seq);
    end if;
end $$;

-- The first partition, of eventlake.lake.partition-size events (a Flyway placeholder set from it in
-- application.properties); the service creates the next ones.
select lake_ensure_partitions(${lake_partition_size});
