-- Every executed offset reset or copy: who asked, when, on which group, and the plan applied.
create table offset_change (
    id           bigint generated always as identity primary key,
    group_id     text        not null,
    operation    text        not null,
    strategy     text,
    value        text,
    from_group   text,
    plan         jsonb       not null,
    requested_by text        not null,
    executed_at  timestamptz not null default now()
);

-- GET /offset-changes?group=... lists a group's changes newest first.
create index offset_change_group_id on offset_change (group_id, id desc);
