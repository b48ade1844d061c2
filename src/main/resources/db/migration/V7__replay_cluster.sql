-- The Kafka cluster a replay job was created against: only instances attached to that cluster run it, so an
-- instance pointed at another cluster (a staging copy sharing the database by mistake, a test broker) never
-- sends the job's events to the wrong place.
alter table replay_job add column kafka_cluster text;
