# Shared by the benchmark scripts (sourced, not run): the database, the build, free ports and the embedded broker.
# A script that sources this runs from the repository's root and gets a cleanup on exit that stops what it
# started (last started first: the service before the broker it talks to) and removes the broker's files.

out=target/bench
mkdir -p "$out"
pids=()
kafka_dir=$(mktemp -d)
bench_cleanup() {
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; wait "${pids[$i]}" 2>/dev/null || true; done
  rm -rf "$kafka_dir"
}
trap bench_cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])'; }

# bench_database NAME: PostgreSQL up, the database NAME recreated empty for the eventlake role; sets $jdbc.
bench_database() {
  bin/setup-postgres >/dev/null
  psql -h 127.0.0.1 -U postgres -qtA -d postgres -c "drop database if exists $1 with (force)" \
    -c "create database $1 owner eventlake" >/dev/null
  jdbc=jdbc:postgresql://127.0.0.1:5432/$1
}

# bench_build: the packaged service, and the test classpath (the embedded broker, the clients); sets $cp.
bench_build() {
  echo "Building the service and the test classpath..."
  ./mvnw -q -B package -DskipTests
  ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
  cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
}

# bench_broker LOG: starts the embedded single-node broker, waits until it is ready; sets $port.
bench_broker() {
  port=$(free_port)
  java -Xmx1g -cp "$cp" io.eventlake.testing.EmbeddedKafkaBroker "$port" "$kafka_dir" > "$1" 2>&1 &
  pids+=($!)
  until grep -q "EMBEDDED KAFKA READY" "$1"; do sleep 0.5; done
  echo "Embedded broker on localhost:$port"
}
