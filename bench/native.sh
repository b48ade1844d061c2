#!/usr/bin/env bash
# Start-up and memory of the service as an operator runs it, the same figures for the JVM jar and the native
# executable so they can be compared in one run:
#   bench/native.sh [EXECUTABLE]     (without one: the JVM jar, target/quarkus-app/quarkus-run.jar)
# Starts the embedded broker and uses the local PostgreSQL (database eventlake_native, recreated for each start),
# then prints, for a first start on an empty database and a restart on the same one: the time from exec to the
# first 200 of /q/health/ready, Quarkus' own "started in", the resident memory (RSS) after 10 s idle and after
# 10,000 events (POST /events, waited for in the lake), and the time a SIGTERM takes to end the process.
# Logs go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
executable=${1:-}
out=target/bench
mkdir -p "$out"

bin/setup-postgres >/dev/null
psql -h 127.0.0.1 -U postgres -qtA -d postgres -c "drop database if exists eventlake_native with (force)" \
  -c "create database eventlake_native owner eventlake" >/dev/null
lake() { psql -h 127.0.0.1 -U eventlake -qtA -d eventlake_native -c "$1"; }

if [ -z "$executable" ]; then
  echo "Building the service (JVM jar) and the test classpath..."
  ./mvnw -q -B package -DskipTests
fi
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
./mvnw -q -B test-compile
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])'; }
port=$(free_port)
kafka_dir=$(mktemp -d)
broker_pid=
service_pid=
cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
  rm -rf "$kafka_dir"
}
trap cleanup EXIT
java -Xmx1g -cp "$cp" io.eventlake.testing.EmbeddedKafkaBroker "$port" "$kafka_dir" > "$out/native-kafka.log" 2>&1 &
broker_pid=$!
until grep -q "EMBEDDED KAFKA READY" "$out/native-kafka.log"; do sleep 0.2; done

if [ -n "$executable" ]; then
  what="native executable $executable"
else
  what="JVM jar ($(java -version 2>&1 | head -n1))"
fi
http_port=$(free_port)
settings=($(bin/token --settings) -Dquarkus.http.port="$http_port" -Dkafka.bootstrap.servers=localhost:"$port"
  -Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/eventlake_native
  -Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/eventlake_native)
producer=$(bin/token producer)
base="http://localhost:$http_port"
now_ms() { date +%s%3N; }
rss_mib() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# One start: prints its figures on one line.
measure() {
  local label=$1 log="$out/native-service-$1.log"
  local start ready started idle loaded stop_start stopped
  start=$(now_ms)
  if [ -n "$executable" ]; then
    "$executable" "${settings[@]}" > "$log" 2>&1 &
  else
    java "${settings[@]}" -jar target/quarkus-app/quarkus-run.jar > "$log" 2>&1 &
  fi
  service_pid=$!
  until curl -fs -o /dev/null "$base/q/health/ready"; do
    kill -0 "$service_pid" 2>/dev/null || { echo "the service exited; see $log" >&2; exit 1; }
    sleep 0.01
  done
  ready=$(( $(now_ms) - start ))
  started=$(grep -oE 'started in [0-9.]+s' "$log" | head -n1 | grep -oE '[0-9.]+s' || echo "?")
  sleep 10
  idle=$(rss_mib "$service_pid")
  local before
  before=$(lake "select count(*) from lake_event")
  for batch in $(seq 1 20); do
    python3 - "$batch" > "$out/native-batch.json" <<'PY'
import json, sys, uuid
batch = int(sys.argv[1])
print(json.dumps([{"specversion": "1.0", "id": str(uuid.uuid4()),
                   "type": "native.updated", "subject": f"k{(batch * 500 + i) % 1000}",
                   "data": {"n": batch * 500 + i}} for i in range(500)]))
PY
    curl -fsS -o /dev/null -H "Authorization: Bearer $producer" -H 'Content-Type: application/json' \
      --data-binary @"$out/native-batch.json" "$base/events"
  done
  until [ "$(lake "select count(*) from lake_event")" -ge $((before + 10000)) ]; do sleep 0.2; done
  loaded=$(rss_mib "$service_pid")
  stop_start=$(now_ms)
  kill -TERM "$service_pid"
  wait "$service_pid" 2>/dev/null || true
  stopped=$(( $(now_ms) - stop_start ))
  service_pid=
  printf '%-22s %9s ms %12s %10s MiB %12s MiB %9s ms\n' "$label" "$ready" "$started" "$idle" "$loaded" "$stopped"
}

echo "Start-up and memory of the $what"
printf '%-22s %12s %12s %14s %16s %12s\n' "start" "to ready" "started in" "RSS idle 10s" "RSS 10k events" "shutdown"
measure first-empty-database
measure restart
