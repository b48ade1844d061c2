#!/usr/bin/env bash
# Scale benchmark: is the service as fast with a full lake as with an empty one? Starts the embedded broker and
# the packaged service against the local PostgreSQL (database eventlake_scale, recreated each run), then runs
# bench/ScaleBenchmark.java, which loads the lake in stages straight into the tables and at each stage prints
# the live ingest rate and p50/p99 of the lake and stream queries beside the first stage's; then, on the full
# lake, the rate at which retention deletes a stream's expired history (scale3: ten years of retention, its events
# made eleven years old), with the queries beside it.
#   bench/scale.sh [stages] [live-events] [queries]     (defaults: 0,5000000,10000000,20000000 50000 200)
# Disk: about 2.5 KB of PostgreSQL data per event (row, indexes, idempotency key, view, WAL; 46 GB measured after a
# 20 million run), 50 GB for 20 million; it checks
# the free space of PostgreSQL's data directory first and stops if the last stage would not fit with 10% spare.
# Time: loading runs at about 21,000 events/s here (16 minutes for 20 million), about 30 minutes in all.
# PARTITION_SIZE: the lake's partition size for the service and the loads (default 10,000,000, the service's).
# The database is dropped at the end unless KEEP_DB=1. Logs go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=${1:-0,5000000,10000000,20000000}
live=${2:-50000}
queries=${3:-200}
source bench/lib.sh

bin/setup-postgres >/dev/null
export PARTITION_SIZE=${PARTITION_SIZE:-10000000}
largest=$(tr ',' '\n' <<< "$stages" | sort -n | tail -1)
data_dir=$(psql -h 127.0.0.1 -U postgres -qtA -d postgres -c "show data_directory")
free_kb=$(df -Pk "$data_dir" | awk 'NR == 2 { print $4 }')
need_kb=$(( largest * 25 / 10 * 11 / 10 + 1048576 ))
if [ "$free_kb" -lt "$need_kb" ]; then
  echo "Not enough disk for $largest events: $data_dir has $((free_kb / 1048576)) GB free, the run needs about $((need_kb / 1048576)) GB." >&2
  exit 1
fi
echo "Disk: $((free_kb / 1048576)) GB free under $data_dir; the largest stage ($largest events) needs about $((need_kb / 1048576)) GB."

bench_database eventlake_scale
bench_build
bench_broker "$out/kafka-scale.log"

http_port=$(free_port)
# The service trusts the local development signing key; the benchmark calls it with an admin token.
export EVENTLAKE_TOKEN=$(bin/token admin)
java $(bin/token --settings) -Xmx1g ${SERVICE_OPTS:-} -Deventlake.lake.partition-size=$PARTITION_SIZE -Dquarkus.http.port=$http_port -Dkafka.bootstrap.servers=localhost:$port \
  -Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/eventlake_scale -Dquarkus.datasource.jdbc.url=$jdbc \
  -Dmp.messaging.incoming.ingest.metadata.max.age.ms=1000 '-Deventlake.lake.stream."scale3".retention=P3650D' \
  -Deventlake.lake.retention-interval=PT2S -jar target/quarkus-app/quarkus-run.jar > "$out/service-scale.log" 2>&1 &
pids+=($!)
until curl -sf "http://localhost:$http_port/q/health/ready" > /dev/null; do
  kill -0 "${pids[-1]}" 2>/dev/null || { echo "the service stopped; see $out/service-scale.log" >&2; exit 1; }
  sleep 0.5
done

java -Xmx2g -cp "$cp" bench/ScaleBenchmark.java "localhost:$port" "$jdbc" "http://localhost:$http_port" \
  src/test/resources/fixtures/rental-updated.valid.json "$stages" "$live" "$queries" \
  | tee "$out/scale-$(date +%Y%m%dT%H%M%S).txt"
psql -h 127.0.0.1 -U postgres -qtA -d eventlake_scale -c \
  "select 'database size after the run: ' || pg_size_pretty(pg_database_size('eventlake_scale')) || ', ' || pg_size_pretty(pg_database_size('eventlake_scale') / greatest(count(*), 1)) || ' per event' from lake_event"
# Tens of gigabytes: dropped unless asked to keep it for a look (KEEP_DB=1).
if [ "${KEEP_DB:-0}" != "1" ]; then
  psql -h 127.0.0.1 -U postgres -qtA -d postgres -c "drop database eventlake_scale with (force)" >/dev/null
fi
