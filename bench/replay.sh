#!/usr/bin/env bash
# Replay benchmark: loads events straight into the lake (database eventlake_bench, recreated each run), starts
# the embedded broker and the packaged service, then runs bench/ReplayBenchmark.java.
#   bench/replay.sh [small] [large]     (defaults: 1000000 5000000)
# Prints the replay rate (lake -> topic) beside the raw Kafka producer rate of the same records, the HTTP
# event stream rate, and the service's peak RSS during a small and a large replay with the same heap limit.
# Logs go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
small=${1:-1000000}
large=${2:-5000000}
heap=${REPLAY_HEAP:-512m}
out=target/bench
mkdir -p "$out"

bin/setup-postgres >/dev/null
psql -h 127.0.0.1 -U postgres -qtA -d postgres -c "drop database if exists eventlake_bench" \
  -c "create database eventlake_bench owner eventlake" >/dev/null
jdbc=jdbc:postgresql://127.0.0.1:5432/eventlake_bench

echo "Building the service and the test classpath..."
./mvnw -q -B package -DskipTests
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])')
kafka_dir=$(mktemp -d)
pids=()
cleanup() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; wait "${pids[$i]}" 2>/dev/null || true; done; rm -rf "$kafka_dir"; }
trap cleanup EXIT

java -Xmx1g -cp "$cp" io.eventlake.testing.EmbeddedKafkaBroker "$port" "$kafka_dir" > "$out/kafka-replay.log" 2>&1 &
pids+=($!)
until grep -q "EMBEDDED KAFKA READY" "$out/kafka-replay.log"; do sleep 0.5; done
echo "Embedded broker on localhost:$port"

http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])')
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
