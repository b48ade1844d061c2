-- The schema registry: every version of every event type's JSON Schema. Versions are never changed or
-- removed, so an event's stored schema_version always names the schema it was validated against.
create table schema_version (
    event_type  text        not null,
    version     integer     not null,
    schema_text text        not null,
    -- sha-256 of the canonical form (keys sorted): registering the same content again finds this row.
    fingerprint text        not null,
    created_by  text        not null,
    created_at  timestamptz not null default now(),
    primary key (event_type, version)
);
create unique index schema_version_fingerprint on schema_version (event_type, fingerprint);

-- Per-type settings; a type without a row uses eventlake.schema.default-compatibility.
create table schema_type (
    event_type    text        primary key,
    compatibility text        not null,
    updated_by    text        not null,
    updated_at    timestamptz not null default now()
);

-- The schema version each event matched (null: its type had no schema and the stream accepts such types).
alter table lake_event add column schema_version integer;

-- Why an event failed validation, as [{pointer, message}], beside the one-line reason.
alter table dead_letter add column violations jsonb;

-- GET /dead-letters filters by status, type or reason and pages by id: one index per filter, in page order.
create index dead_letter_status_id on dead_letter (status, id);
create index dead_letter_type_id on dead_letter (event_type, id);
create index dead_letter_reason_id on dead_letter (reason_code, id);

-- Every redrive and discard: who, when, and what came of it.
create table dead_letter_action (
    id             bigint generated always as identity primary key,
    dead_letter_id bigint      not null references dead_letter (id),
    action         text        not null,
    outcome        text        not null,
    detail         text,
    event_id       text,
    requested_by   text        not null,
    at             timestamptz not null default now()
);
create index dead_letter_action_dead_letter on dead_letter_action (dead_letter_id, id);
