-- One audit trail: every state-changing call (POST, PUT, PATCH, DELETE), allowed or refused, one row each.
create table audit_entry (
    id          bigserial   primary key,
    at          timestamptz not null default now(),
    -- who: the token's subject and readable name, its client, its roles ('anonymous' without a valid token)
    subject     text        not null,
    name        text        not null,
    client_id   text,
    roles       text[]      not null default '{}',
    -- what: the operation (resource and method), the HTTP method and path, the target (path parameters)
    operation   text        not null,
    method      text        not null,
    path        text        not null,
    target      text,
    summary     text,
    -- how it ended
    status      int         not null,
    outcome     text        not null
);

-- GET /audit pages newest first by id, optionally filtered by subject, operation or outcome; the filters are
-- selective on a long trail, so each has its own (filter, id) index that serves the page order too.
create index audit_entry_subject on audit_entry (subject, id);
create index audit_entry_operation on audit_entry (operation, id);
create index audit_entry_outcome on audit_entry (outcome, id);
