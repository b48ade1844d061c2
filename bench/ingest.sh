#!/usr/bin/env bash
# Ingest benchmark: starts the embedded broker and the packaged service against the local PostgreSQL
# (database eventlake_bench, recreated each run), then runs bench/IngestBenchmark.java.
#   bench/ingest.sh [events] [latency-rate] [latency-seconds]     (defaults: 200000 2000 30)
# BENCH_ONLY=latency bench/ingest.sh: the two latency runs alone, after an uncounted warm-up (a live run of the
# events at full rate, then a latency run);
# LATENCY_LINGER_MS: the latency publisher's linger.ms (default 0, each event sent at once).
# PROFILE=1: the service records a JFR profile; its summary (threads, Event Lake classes, hot methods) is printed last;
# after each live run, what the service's PostgreSQL backends did (pg_stat_activity sampled every 5 ms).
# Prints ingest events/s (schema validation off and on, the validation rate alone, and a compaction mix of
# 78% creates, 20% updates and 2% deletes) beside the raw PostgreSQL INSERT/COPY and raw Kafka consume rates
# and the peer, Kafka Connect standalone with the Debezium JDBC sink (insert and upsert; bench/connect/pom.xml,
# CONNECT_TASKS=n for more sink tasks, default 1), with the machine's CPU use during each run; then the
# end-to-end latency p50/p99, open loop, at the given rate and at 5,000/s. Logs go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-200000}
rate=${2:-2000}
seconds=${3:-30}
source bench/lib.sh

bench_database eventlake_bench
bench_build
echo "Fetching Kafka Connect and the Debezium JDBC sink..."
rm -rf target/bench/connect/libs
./mvnw -q -B -f bench/connect/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/target/bench/connect/libs"
export CONNECT_CMD="exec java -Xmx1g -cp '$PWD/target/bench/connect/libs/*' org.apache.kafka.connect.cli.ConnectStandalone"
: > "$out/connect.log"

bench_broker "$out/kafka.log"

http_port=$(free_port)
# The benchmark starts the service itself, after it has published the backlog.
# The service trusts the local development signing key; the benchmark calls it with an admin token.
export EVENTLAKE_TOKEN=$(bin/token admin)
export SERVICE_CMD="exec java $(bin/token --settings) -Xmx1g ${SERVICE_OPTS:-} -Dquarkus.http.port=$http_port -Dkafka.bootstrap.servers=localhost:$port \
  -Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/eventlake_bench -Dquarkus.datasource.jdbc.url=$jdbc \
  -Dmp.messaging.incoming.ingest.metadata.max.age.ms=1000 -jar target/quarkus-app/quarkus-run.jar"
: > "$out/service.log"
# A second instance for the two-instance run: the same command on another HTTP port.
http_port2=$(free_port)
export SERVICE_CMD_2="${SERVICE_CMD/quarkus.http.port=$http_port/quarkus.http.port=$http_port2}"
export SERVICE_URL_2="http://localhost:$http_port2"
: > "$out/service-2.log"
# PROFILE=1: the first instance records a JFR profile (settings=profile, a few percent of its CPU), summarised
# after the figures by bench/JfrSummary.java: where the service's CPU went over every run it served.
if [ "${PROFILE:-}" = 1 ]; then
  rm -f "$out/service.jfr"
  SERVICE_CMD="${SERVICE_CMD/exec java /exec java -XX:StartFlightRecording=filename=$out/service.jfr,settings=profile }"
fi

java -Xmx4g -cp "$cp" bench/IngestBenchmark.java "localhost:$port" "$jdbc" "$events" "$rate" "$seconds" \
  src/test/resources/fixtures/rental-updated.valid.json "http://localhost:$http_port" \
  src/test/resources/fixtures/rental-updated.schema.json | tee "$out/ingest-$(date +%Y%m%dT%H%M%S).txt"
if [ "${PROFILE:-}" = 1 ]; then
  echo "== Where the service's CPU went (JFR, $out/service.jfr) =="
  java -cp "$cp" bench/JfrSummary.java "$out/service.jfr" | tee -a "$(ls -t "$out"/ingest-*.txt | head -n1)"
fi
