#!/usr/bin/env bash
# Replay benchmark: loads events straight into the lake (database eventlake_bench, recreated each run), starts
# the embedded broker and the packaged service, then runs bench/ReplayBenchmark.java.
#   bench/replay.sh [small] [large]     (defaults: 1000000 5000000)
# Prints the replay rate (lake -> topic) beside the raw Kafka producer rate of the same records, in turns on a
# warm service (REPLAY_ROUNDS, default 2), the HTTP event stream rate, and the service's peak RSS during a small and
# a large replay on fresh services with the same heap limit; the machine's load beside each figure.
# Logs go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
small=${1:-1000000}
large=${2:-5000000}
heap=${REPLAY_HEAP:-512m}
source bench/lib.sh

bench_database eventlake_bench
bench_build
bench_broker "$out/kafka-replay.log"

http_port=$(free_port)
# The same heap limit for every run; the benchmark starts a fresh service for each replay.
# The service trusts the local development signing key; the benchmark calls it with an admin token.
export EVENTLAKE_TOKEN=$(bin/token admin)
export SERVICE_CMD="exec java $(bin/token --settings) -Xmx$heap ${SERVICE_OPTS:-} -Dquarkus.http.port=$http_port -Dkafka.bootstrap.servers=localhost:$port \
  -Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/eventlake_bench -Dquarkus.datasource.jdbc.url=$jdbc \
  -jar target/quarkus-app/quarkus-run.jar"
: > "$out/service-replay.log"

java -Xmx2g -cp "$cp" bench/ReplayBenchmark.java "localhost:$port" "$jdbc" "$small" "$large" \
  src/test/resources/fixtures/rental-updated.valid.json "http://localhost:$http_port" "$heap" \
  | tee "$out/replay-$(date +%Y%m%dT%H%M%S).txt"
