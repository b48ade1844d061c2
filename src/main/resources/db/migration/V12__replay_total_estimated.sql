-- A replay job's total may be estimated when it is created: a history job counts at most
-- eventlake.replay.exact-count-limit events per stream (a count over a stream's whole history read every row of it
-- inside the request) and estimates the rest. A job that goes through ends with the exact figure.
alter table replay_job add column total_estimated boolean not null default false;
