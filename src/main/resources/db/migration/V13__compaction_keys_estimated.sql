-- A compaction run's keys_total may be estimated when it starts: it counts at most
-- eventlake.streams.exact-count-limit keys of the stream (a count of all of them read the stream's whole part of the
-- view inside the request) and estimates the rest. A run that succeeds ends with the keys it scanned.
alter table compaction_run add column keys_total_estimated boolean not null default false;
