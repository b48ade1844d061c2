#!/usr/bin/env bash
# The fault suite, counted: starts a broker and the packaged service against the local PostgreSQL (database
# eventlake_faults, recreated each run), then runs bench/FaultBenchmark.java, which publishes a stream of events
# while each fault happens and counts, independently of the service, what reached the lake, the dead letters,
# the clean topic and the dead-letter topic.
#   bench/faults.sh [events] [rate] [scenarios]
# defaults: 500000 events per scenario at 5000/s;
# scenarios kill9,broker-restart,pg-restart,db-refused-30s,db-refused-2m,db-refused-10m,slow-readers.
# Needs to restart PostgreSQL (pg_ctlcluster) and to run psql as the postgres role. Logs go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-500000}
rate=${2:-5000}
scenarios=${3:-kill9,broker-restart,pg-restart,db-refused-30s,db-refused-2m,db-refused-10m,slow-readers}
out=target/bench
mkdir -p "$out"
: > "$out/faults-kafka.log"
: > "$out/faults-service.log"

bin/setup-postgres >/dev/null
psql -h 127.0.0.1 -U postgres -qtA -d postgres -c "drop database if exists eventlake_faults with (force)" \
  -c "create database eventlake_faults owner eventlake" >/dev/null
jdbc=jdbc:postgresql://127.0.0.1:5432/eventlake_faults
cluster="$(ls /etc/postgresql | head -n1) main"

echo "Building the service and the test classpath..."
./mvnw -q -B package -DskipTests
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])'; }
port=$(free_port)
http_port=$(free_port)
kafka_dir=$(mktemp -d)
trap 'rm -rf "$kafka_dir"' EXIT

# The benchmark starts (and restarts) the broker and the service itself.
export BROKER_CMD="exec java -Xmx1g -cp '$cp' io.eventlake.testing.EmbeddedKafkaBroker $port $kafka_dir"
export SERVICE_CMD="exec java $(bin/token --settings) -Xmx1g ${SERVICE_OPTS:-} -Dquarkus.http.port=$http_port \
  -Dkafka.bootstrap.servers=localhost:$port \
  -Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/eventlake_faults -Dquarkus.datasource.jdbc.url=$jdbc \
  -Dmp.messaging.incoming.ingest.metadata.max.age.ms=1000 -jar target/quarkus-app/quarkus-run.jar"
export EVENTLAKE_TOKEN=$(bin/token admin)
export HEALTH_URL="http://localhost:$http_port/q/health/ready"

java -Xmx2g -cp "$cp" bench/FaultBenchmark.java "localhost:$port" "$jdbc" eventlake_faults "$cluster" \
  "$events" "$rate" "$scenarios" "$out" | tee "$out/faults-$(date +%Y%m%dT%H%M%S).txt"
