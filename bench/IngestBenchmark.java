import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.postgresql.PGConnection;

import io.eventlake.testing.MachineLoad;

/**
 * The ingest benchmark: run by bench/ingest.sh against the packaged service, the embedded broker and the
 * local PostgreSQL. Prints, in one run:
 *  - ingest events/s, from the first publish until every event is stored in the lake and forwarded;
 *  - the raw PostgreSQL multi-row INSERT and COPY rates for the same rows, into a copy of the lake table;
 *  - the raw Kafka consume rate of the same records;
 *  - end-to-end latency (publish to forward) p50/p99 at a fixed rate.
 * Arguments: bootstrap jdbcUrl events latencyRate latencySeconds fixtureJson serviceUrl
 */
public class IngestBenchmark {

    static String bootstrap;
    static String jdbcUrl;
    static String serviceUrl;

    public static void main(String[] args) throws Exception {
        bootstrap = args[0];
        jdbcUrl = args[1];
        int events = Integer.parseInt(args[2]);
        int latencyRate = Integer.parseInt(args[3]);
        int latencySeconds = Integer.parseInt(args[4]);
        String fixture = Files.readString(Path.of(args[5]));
        serviceUrl = args[6];
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        System.out.printf("Generating %,d events of about %d bytes...%n", events, payload(fixture, 1, 1).length);
        List<byte[]> keys = new ArrayList<>(events);
        List<byte[]> values = new ArrayList<>(events);
        Random random = new Random(42);
        for (int i = 0; i < events; i++) {
            // Realistic keys: 50,000 rentals, some updated many times.
            long rental = 1 + (long) Math.abs(random.nextGaussian() * 15_000) % 50_000;
            keys.add(("Rental-" + rental).getBytes(StandardCharsets.UTF_8));
            values.add(payload(fixture, rental, i));
        }
        if ("latency".equals(System.getenv("BENCH_ONLY"))) {
            latencyOnly(run, fixture, keys, values, latencyRate, latencySeconds);
            return;
        }

        // The service's migrations create the lake table the raw runs copy: start it once and stop it.
        Process migrate = startService();
        migrate.destroy();
        migrate.waitFor();

        // 0. The raw PostgreSQL rates, measured now and again after the ingest runs: the machine is noisy,
        //    so the ratios use the better of the two (the conservative choice).
        double insertBefore = rawInsert(keys, values, "raw.updated", "raw", "ingest.raw");
        double copyBefore = rawCopy(keys, values, "raw.updated", "raw", "ingest.raw");

        // 1. Ingest a backlog: the topic holds every event before the service starts, as when a service
        //    catches up; timed from the service being ready until every event is stored and forwarded.
        String stream = "bench" + run;
        String type = stream + ".updated";
        String topic = "ingest." + stream;
        createTopic(topic, 4);
        double publishRate = publish(topic, type, keys, values);
        Process service = startService();
        System.out.println("service ready; draining the backlog...");
        Result ingest = awaitIngested(stream, "clean." + stream, events, System.nanoTime());
        String serviceSide = serviceTimers();

        // 1b. Ingest live: the same number of events published while the service runs (publisher, broker,
        //     database and service then share the two cores).
        String liveStream = "benchlive" + run;
        Result live = liveRun(liveStream, List.of(liveStream + ".updated"), keys, values);

        // 1c. The same live run with schema validation on: the rental schema (plus the benchmark's version
        //     field) registered for the type first. Every event must pass it, and must be stored with its
        //     schema version; anything invalid would be dead-lettered and fail the count.
        String validatedStream = "benchval" + run;
        String schema = Files.readString(Path.of(args[7])).replaceFirst("\"properties\": \\{",
                "\"properties\": {\"version\": {\"type\": \"integer\", \"minimum\": 0},");
        registerSchema(validatedStream + ".updated", schema);
        Result validated = liveRun(validatedStream, List.of(validatedStream + ".updated"), keys, values);
        long withVersion = countValidated(validatedStream + ".updated");
        if (withVersion != events) {
            throw new IllegalStateException("only " + withVersion + " of " + events + " validated events carry a schema version");
        }
        double validationRate = validationRate(schema, values);

        // 1d. Live with the compaction mix: 78% of events create a key, 20% update an existing key, 2% delete
        //     one (type suffix .deleted): the view gains, changes and loses keys as in a real stream.
        String mixStream = "benchmix" + run;
        List<byte[]> mixKeys = new ArrayList<>(events);
        List<byte[]> mixValues = new ArrayList<>(events);
        List<String> mixTypes = new ArrayList<>(events);
        Random mixRandom = new Random(7);
        int created = 0;
        int deletes = 0;
        int updates = 0;
        for (int i = 0; i < events; i++) {
            int dice = mixRandom.nextInt(100);
            long rental;
            String kind = "updated";
            if (created > 0 && dice < 2) {
                rental = 1 + mixRandom.nextInt(created);
                kind = "deleted";
                deletes++;
            } else if (created > 0 && dice < 22) {
                rental = 1 + mixRandom.nextInt(created);
                updates++;
            } else {
                rental = ++created;
            }
            mixKeys.add(("Rental-" + rental).getBytes(StandardCharsets.UTF_8));
            mixValues.add(payload(fixture, rental, i));
            mixTypes.add(mixStream + "." + kind);
        }
        Result mix = liveRun(mixStream, mixTypes, mixKeys, mixValues);
        long[] view = viewCounts(mixStream);

        // 1e. The off/on pair again: the machine is noisy, so the validation cost is the mean of two pairs.
        String liveStream2 = "benchlive2" + run;
        Result live2 = liveRun(liveStream2, List.of(liveStream2 + ".updated"), keys, values);
        String validatedStream2 = "benchval2" + run;
        registerSchema(validatedStream2 + ".updated", schema);
        Result validated2 = liveRun(validatedStream2, List.of(validatedStream2 + ".updated"), keys, values);
        String serviceSideAfterIngest = serviceTimers();

        // 1f. Two instances: a second one joins the ingest group (same broker, same database); the same live run
        //     again, the partitions shared between them. On two cores they share the CPU as well.
        Process second = startService(System.getenv("SERVICE_CMD_2"), System.getenv("SERVICE_URL_2"),
                "target/bench/service-2.log");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (admin.describeConsumerGroups(List.of("eventlake-ingest")).all().get().get("eventlake-ingest").members()
                    .stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count() < 2) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the second instance got no ingest partition within 60 s");
                }
                Thread.sleep(200);
            }
        }
        String twoStream = "benchtwo" + run;
        Result two = liveRun(twoStream, List.of(twoStream + ".updated"), keys, values);
        second.destroy();
        second.waitFor();
        double cost1 = (live.rate - validated.rate) / live.rate;
        double cost2 = (live2.rate - validated2.rate) / live2.rate;

        // 2. Raw Kafka consume of the same records.
        double consumeRate = rawConsume(topic, events);

        // 3. Raw PostgreSQL multi-row INSERT and COPY of the same rows into a copy of the lake table.
        double insertAfter = rawInsert(keys, values, type, stream, topic);
        double copyAfter = rawCopy(keys, values, type, stream, topic);
        double insertRate = Math.max(insertBefore, insertAfter);
        double copyRate = Math.max(copyBefore, copyAfter);

        // 4. Latency at a fixed rate.
        String latencyStream = "benchlat" + run;
        createTopic("ingest." + latencyStream, 4);
        LatencyRun latencies = latency("ingest." + latencyStream, latencyStream + ".updated", "clean." + latencyStream,
                fixture, latencyRate, latencySeconds);
        String latencyHighStream = "benchlathigh" + run;
        createTopic("ingest." + latencyHighStream, 4);
        LatencyRun latenciesHigh = latency("ingest." + latencyHighStream, latencyHighStream + ".updated",
                "clean." + latencyHighStream, fixture, HIGH_LATENCY_RATE, latencySeconds);
        String serviceLatency = serviceLatency(latencyStream);
        String serviceLatencyHigh = serviceLatency(latencyHighStream);
        service.destroy();
        service.waitFor();

        // 5. The peer on the same full topic, with the service stopped (it would only idle beside it).
        Result connectInsertRun = connectRate("insert", topic, keys);
        double connectInsert = connectInsertRun.rate();
        String connectInsertLoad = connectInsertRun.load();
        Result connectUpsertRun = connectRate("upsert", topic, keys);
        double connectUpsert = connectUpsertRun.rate();
        String connectUpsertLoad = connectUpsertRun.load();

        System.out.println();
        System.out.println("== Event Lake ingest benchmark ==");
        System.out.printf("events                                   %,d (%d partitions, ~%d B each)%n", events, 4, values.get(0).length);
        System.out.printf("publish rate (producer, acks=all)        %,.0f events/s%n", publishRate);
        System.out.printf("INGEST backlog, cold JVM                 %,.0f events/s   (topic full before the service started; %s)%n", ingest.rate, ingest.load);
        System.out.printf("INGEST live, warm JVM                    %,.0f events/s   (published -> stored, view updated, forwarded; 50,000 keys; %s)%n", live.rate, live.load);
        System.out.printf("INGEST live, schema validation on        %,.0f events/s   (validation costs %.1f%% of the live rate)%n",
                validated.rate, 100 * cost1);
        System.out.printf("  second pair, off / on                  %,.0f / %,.0f events/s (validation costs %.1f%%)%n", live2.rate,
                validated2.rate, 100 * cost2);
        System.out.printf("  validation cost, mean of the two pairs %.1f%%%n", 100 * (cost1 + cost2) / 2);
        System.out.printf("validation alone, one thread             %,.0f events/s   (parse + validate the same payloads)%n",
                validationRate);
        System.out.printf("INGEST live, compaction mix              %,.0f events/s   (%,d creates, %,d updates, %,d deletes; %.0f%% of the live rate;"
                + " view: %,d live keys, %,d deleted; %s)%n", mix.rate, events - updates - deletes, updates, deletes,
                100 * mix.rate / live.rate, view[0], view[1], mix.load);
        System.out.printf("INGEST live, two instances               %,.0f events/s   (%.0f%% of one instance's mean live rate; %s)%n",
                two.rate, 100 * two.rate / ((live.rate + live2.rate) / 2), two.load);
        System.out.println(serviceSide + "   (after the backlog)");
        System.out.println(serviceSideAfterIngest + "   (after every ingest run)");
        System.out.printf("raw Kafka consume, same records          %,.0f records/s   ingest/consume: backlog %.0f%%, live %.0f%%%n",
                consumeRate, 100 * ingest.rate / consumeRate, 100 * live.rate / consumeRate);
        System.out.printf("raw PostgreSQL multi-row INSERT (500)    %,.0f rows/s      ingest/INSERT:  backlog %.0f%%, live %.0f%%"
                + "   (best of %,.0f before and %,.0f after)%n", insertRate, 100 * ingest.rate / insertRate, 100 * live.rate / insertRate,
                insertBefore, insertAfter);
        System.out.printf("raw PostgreSQL COPY                      %,.0f rows/s      ingest/COPY:    backlog %.0f%%, live %.0f%%"
                + "   (best of %,.0f before and %,.0f after)%n", copyRate, 100 * ingest.rate / copyRate, 100 * live.rate / copyRate,
                copyBefore, copyAfter);
        System.out.printf("Kafka Connect + Debezium JDBC sink, insert %,.0f events/s   Event Lake/Connect: backlog %.2f, live %.2f   (%s)%n",
                connectInsert, ingest.rate / connectInsert, live.rate / connectInsert, connectInsertLoad);
        System.out.printf("Kafka Connect + Debezium JDBC sink, upsert %,.0f events/s   Event Lake/Connect: backlog %.2f, live %.2f, mix %.2f   (%s)%n",
                connectUpsert, ingest.rate / connectUpsert, live.rate / connectUpsert, mix.rate / connectUpsert, connectUpsertLoad);
        printLatency(latencyRate, latencySeconds, latencies);
        System.out.println(serviceLatency);
        printLatency(HIGH_LATENCY_RATE, latencySeconds, latenciesHigh);
        System.out.println(serviceLatencyHigh);
    }

    /**
     * BENCH_ONLY=latency: the two latency runs alone, for working on latency. In the full benchmark they come after
     * the ingest runs; here the service is warmed up first by one uncounted live run of the benchmark's events at
     * full rate and one latency run. With the latency warm-up alone (75,000 events), p50 / p99 at 2,000/s read
     * 17-18 / 81-219 ms where the full benchmark read 10 / 28-35 ms on the same code, the same day.
     */
    static void latencyOnly(String run, String fixture, List<byte[]> keys, List<byte[]> values, int rate, int seconds)
            throws Exception {
        Process service = startService();
        try {
            System.out.printf("warm-up: a live run of %,d events...%n", keys.size());
            liveRun("benchwarmlive" + run, List.of("benchwarmlive" + run + ".updated"), keys, values);
            createTopic("ingest.benchwarm" + run, 4);
            latency("ingest.benchwarm" + run, "benchwarm" + run + ".updated", "clean.benchwarm" + run, fixture,
                    HIGH_LATENCY_RATE, 15);
            createTopic("ingest.benchlat" + run, 4);
            LatencyRun latencies = latency("ingest.benchlat" + run, "benchlat" + run + ".updated", "clean.benchlat" + run,
                    fixture, rate, seconds);
            createTopic("ingest.benchlathigh" + run, 4);
            LatencyRun latenciesHigh = latency("ingest.benchlathigh" + run, "benchlathigh" + run + ".updated",
                    "clean.benchlathigh" + run, fixture, HIGH_LATENCY_RATE, seconds);
            System.out.println();
            System.out.println("== Event Lake latency (BENCH_ONLY=latency) ==");
            printLatency(rate, seconds, latencies);
            System.out.println(serviceLatency("benchlat" + run));
            printLatency(HIGH_LATENCY_RATE, seconds, latenciesHigh);
            System.out.println(serviceLatency("benchlathigh" + run));
            System.out.println(serviceTimers() + "   (over the three runs)");
        } finally {
            service.destroy();
            service.waitFor();
        }
    }

    /**
     * The service's own share of a latency run: its end-to-end histogram from each record's arrival (the poll
     * that brought it) to its forward, as the share of events under each bucket bound, and the mean. What the
     * benchmark measures beyond it is the publisher, the broker and the two consumers' fetches.
     */
    static String serviceLatency(String stream) throws Exception {
        String body = serviceMetrics();
        String series = "from=\"arrival\"";
        String streamTag = "stream=\"" + stream + "\"";
        double count = 0, sum = 0;
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (String line : body.split("\n")) {
            if (!line.startsWith("eventlake_end_to_end_latency_seconds") || !line.contains(series) || !line.contains(streamTag)) {
                continue;
            }
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.startsWith("eventlake_end_to_end_latency_seconds_count")) {
                count = value;
            } else if (line.startsWith("eventlake_end_to_end_latency_seconds_sum")) {
                sum = value;
            } else if (line.startsWith("eventlake_end_to_end_latency_seconds_bucket")) {
                var le = java.util.regex.Pattern.compile("le=\"([^\"]+)\"").matcher(line);
                if (le.find() && !le.group(1).equals("+Inf")) {
                    buckets.put(Double.parseDouble(le.group(1)), value);
                }
            }
        }
        StringBuilder out = new StringBuilder(String.format("  service side, arrival to forward: mean %.1f ms;", count == 0 ? 0 : 1000 * sum / count));
        for (var bucket : buckets.headMap(0.5, true).entrySet()) {
            out.append(String.format(" <=%.0f ms %.0f%%", bucket.getKey() * 1000, count == 0 ? 0 : 100 * bucket.getValue() / count));
        }
        return out.toString();
    }

    /** The second, higher rate whose latency is reported beside the one asked for. */
    static final int HIGH_LATENCY_RATE = 5000;

    static void printLatency(int rate, int seconds, LatencyRun run) {
        long[] latencies = run.sorted();
        System.out.printf("end-to-end latency, open loop, at %,d events/s for %d s (%,d events, first 5 s not counted):%n",
                rate, seconds, latencies.length);
        System.out.printf("  p50 %d ms   p99 %d ms   max %d ms   (from each event's scheduled send time)%n",
                percentile(latencies, 50), percentile(latencies, 99), latencies.length == 0 ? 0 : latencies[latencies.length - 1]);
        System.out.println(run.legs());
    }

    /** An ingest run's rate and the machine's CPU use during it. */
    record Result(double rate, String load) {
    }

    static void registerSchema(String type, String schema) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(serviceUrl + "/schemas/" + type + "/versions")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + System.getenv("EVENTLAKE_TOKEN"))
                .POST(HttpRequest.BodyPublishers.ofString(schema)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("schema not registered: " + response.statusCode() + " " + response.body());
        }
    }

    static long countValidated(String type) throws Exception {
        try (Connection c = connection(); PreparedStatement count = c.prepareStatement(
                "select count(*) from lake_event where type = ? and schema_version is not null")) {
            count.setString(1, type);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Parse and validate every payload with the service's own compiler, on one thread, after a warm-up. */
    static double validationRate(String schemaText, List<byte[]> values) throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var schema = new io.eventlake.schema.validation.JsonSchemaCompiler().compile(mapper.readTree(schemaText));
        int invalid = 0;
        for (int i = 0; i < Math.min(20_000, values.size()); i++) {
            invalid += schema.validate(mapper.readTree(values.get(i))).size();
        }
        long start = System.nanoTime();
        for (byte[] value : values) {
            invalid += schema.validate(mapper.readTree(value)).size();
        }
        double rate = values.size() / ((System.nanoTime() - start) / 1e9);
        if (invalid != 0) {
            throw new IllegalStateException(invalid + " violations in payloads that should all be valid");
        }
        return rate;
    }

    static double publish(String topic, String type, List<byte[]> keys, List<byte[]> values) {
        return publish(topic, java.util.Collections.nCopies(keys.size(), type), keys, values);
    }

    /**
     * A live run: a new topic of four partitions, published by a thread while the service ingests it; the rate
     * from the first publish until every event is stored and forwarded. {@code types}: one type for all, or one
     * per event.
     */
    static Result liveRun(String stream, List<String> types, List<byte[]> keys, List<byte[]> values) throws Exception {
        List<String> perEvent = types.size() == 1 ? java.util.Collections.nCopies(keys.size(), types.get(0)) : types;
        createTopic("ingest." + stream, 4);
        BackendSampler backends = "1".equals(System.getenv("PROFILE")) ? BackendSampler.start() : null;
        long start = System.nanoTime();
        Thread publisher = new Thread(() -> publish("ingest." + stream, perEvent, keys, values));
        publisher.start();
        Result result = awaitIngested(stream, "clean." + stream, keys.size(), start);
        publisher.join();
        if (backends != null) {
            System.out.println("  " + stream + ": " + backends.stop());
        }
        return result;
    }

    /**
     * PROFILE=1: what the service's PostgreSQL backends do while a live run stores, sampled from
     * {@code pg_stat_activity} every 5 ms on one connection of the benchmark's own: how often none, one or
     * several of them run a statement (the store lanes' use of the database), and what the running ones wait on.
     * A backend "idle in transaction" is waiting for the service between two statements of a store.
     */
    static final class BackendSampler {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Map<Integer, Long> busyBackends = new TreeMap<>();
        private final Map<String, Long> states = new HashMap<>();
        private final Thread thread;
        private long samples;
        /** Why sampling stopped early, if it did: reported by {@link #stop}, not lost in the sampler's thread. */
        private volatile Exception failure;

        private BackendSampler() {
            thread = new Thread(this::sample, "backend-sampler");
            // A run that fails must not leave the benchmark's JVM running for this thread.
            thread.setDaemon(true);
        }

        static BackendSampler start() {
            BackendSampler sampler = new BackendSampler();
            sampler.thread.start();
            return sampler;
        }

        private void sample() {
            String activity = """
                    select state, coalesce(wait_event_type || ':' || wait_event, 'on CPU')
                    from pg_stat_activity
                    where application_name = 'vertx-pg-client' and state in ('active', 'idle in transaction')
                    """;
            try (Connection c = connection(); PreparedStatement query = c.prepareStatement(activity)) {
                while (!stop.get()) {
                    int busy = 0;
                    try (ResultSet rs = query.executeQuery()) {
                        while (rs.next()) {
                            boolean active = rs.getString(1).equals("active");
                            busy += active ? 1 : 0;
                            states.merge(active ? rs.getString(2) : "idle in transaction (waiting for the service)", 1L,
                                    Long::sum);
                        }
                    }
                    busyBackends.merge(Math.min(busy, 3), 1L, Long::sum);
                    samples++;
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        /** Stops sampling; one line: the share of samples with 0, 1, 2, 3+ backends busy, and what they did. */
        String stop() throws InterruptedException {
            stop.set(true);
            thread.join();
            if (failure != null) {
                throw new IllegalStateException("sampling pg_stat_activity failed", failure);
            }
            StringBuilder line = new StringBuilder("service's PostgreSQL backends running a statement (" + samples
                    + " samples):");
            busyBackends.forEach((busy, n) -> line.append(String.format(" %s%d %.0f%%", busy == 3 ? ">=" : "", busy,
                    100.0 * n / samples)));
            long seen = states.values().stream().mapToLong(Long::longValue).sum();
            line.append("; of the backends seen in a transaction:");
            states.entrySet().stream().sorted(Map.Entry.<String, Long> comparingByValue().reversed()).limit(6)
                    .forEach(e -> line.append(String.format(" %s %.0f%%,", e.getKey(), 100.0 * e.getValue() / seen)));
            line.setLength(line.length() - 1);
            return line.toString();
        }
    }

    static double publish(String topic, List<String> types, List<byte[]> keys, List<byte[]> values) {
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < keys.size(); i++) {
                var record = new ProducerRecord<>(topic, keys.get(i), values.get(i));
                record.headers().add("event-type", types.get(i).getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
        return keys.size() / ((System.nanoTime() - start) / 1e9);
    }

    /** Starts the packaged service (the command bench/ingest.sh gives) and waits until it is ready. */
    static Process startService() throws Exception {
        return startService(System.getenv("SERVICE_CMD"), serviceUrl, "target/bench/service.log");
    }

    /** Starts the service with this command and waits until it answers ready at this address. */
    static Process startService(String command, String serviceUrl, String log) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new java.io.File(log)))
                .start();
        var client = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(serviceUrl + "/q/health/ready")).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the service did not become ready; see target/bench/service.log");
    }

    /** Waits until the lake holds n events of the stream and the clean topic n records; the rate from start. */
    static Result awaitIngested(String stream, String cleanTopic, int n, long start) throws Exception {
        MachineLoad cpu = MachineLoad.now();
        AtomicLong forwarded = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread counter = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer("bench-fwd-" + UUID.randomUUID())) {
                consumer.subscribe(List.of(cleanTopic));
                while (!stop.get()) {
                    forwarded.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
                }
            }
        });
        counter.start();
        // Forwarding follows storing, so the forwarded count tells when both are done; the lake is counted
        // once at the end (a count every 100 ms would take CPU from the service on two cores).
        long lastReport = System.nanoTime();
        while (forwarded.get() < n) {
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                System.out.printf("  %4.0f s: forwarded %,d%n", (System.nanoTime() - start) / 1e9, forwarded.get());
                lastReport = System.nanoTime();
            }
            if (System.nanoTime() - start > Duration.ofMinutes(15).toNanos()) {
                throw new IllegalStateException("ingest did not finish within 15 minutes: forwarded " + forwarded.get());
            }
            Thread.sleep(20);
        }
        long end = System.nanoTime();
        String load = cpu.busySince();
        Thread.sleep(1000); // anything forwarded twice would arrive now
        stop.set(true);
        counter.join();
        long stored;
        try (Connection c = connection(); PreparedStatement count = c.prepareStatement(
                "select count(*) from lake_event where stream = ?")) {
            count.setString(1, stream);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                stored = rs.getLong(1);
            }
        }
        if (stored != n || forwarded.get() != n) {
            throw new IllegalStateException("stored " + stored + ", forwarded " + forwarded.get() + ", expected " + n);
        }
        return new Result(n / ((end - start) / 1e9), load);
    }

    /**
     * The peer: Kafka Connect standalone with the Debezium JDBC sink (bench/connect/pom.xml) reading the same full
     * topic into one jsonb table, as a platform team would land a topic in PostgreSQL without Event Lake. The
     * value goes in as text (StringConverter) wrapped into a field by HoistField, and PostgreSQL casts it to jsonb
     * (the JDBC URL's stringtype=unspecified); plain JSON with schemas.enable=false fails in this sink. Insert:
     * every record a row. Upsert: the record key is the primary key, so the table ends with each key's latest
     * value. Timed from the first rows in the table to the last (Connect's own start and group join are not
     * counted, which favours the peer). The machine's CPU is read from the launch to the last row, before Connect
     * stops: read after, its JVM and its PostgreSQL backends were gone and the split showed them at 0-3%.
     */
    static Result connectRate(String mode, String topic, List<byte[]> keys) throws Exception {
        String table = "bench_connect_" + mode;
        boolean upsert = mode.equals("upsert");
        // Upsert is done when every key holds its last version: the sum of those versions is known up front.
        java.util.Map<String, Integer> lastVersion = new java.util.HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            lastVersion.put(new String(keys.get(i), StandardCharsets.UTF_8), i);
        }
        long expectedRows = upsert ? lastVersion.size() : keys.size();
        long expectedVersionSum = lastVersion.values().stream().mapToLong(Integer::longValue).sum();
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute("drop table if exists " + table);
            s.execute(upsert ? "create table " + table + " (event_key text primary key, data jsonb not null)"
                    : "create table " + table + " (data jsonb not null)");
        }
        Path dir = Path.of("target/bench/connect");
        Files.createDirectories(dir);
        Path worker = dir.resolve("worker.properties");
        Files.writeString(worker, String.join("\n",
                "bootstrap.servers=" + bootstrap,
                "key.converter=org.apache.kafka.connect.storage.StringConverter",
                "value.converter=org.apache.kafka.connect.storage.StringConverter",
                "offset.storage.file.filename=" + dir.resolve("offsets-" + UUID.randomUUID()),
                "offset.flush.interval.ms=1000",
                "listeners=http://127.0.0.1:0",
                // The same poll size as the service's ingest channel.
                "consumer.max.poll.records=2000",
                "consumer.auto.offset.reset=earliest", ""));
        Path connector = dir.resolve(table + ".properties");
        List<String> settings = new ArrayList<>(List.of(
                "name=bench-connect-" + mode + "-" + UUID.randomUUID(),
                "connector.class=io.debezium.connector.jdbc.JdbcSinkConnector",
                "tasks.max=" + System.getenv().getOrDefault("CONNECT_TASKS", "1"),
                "topics=" + topic,
                "connection.url=" + jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "stringtype=unspecified",
                "connection.username=eventlake",
                "connection.password=eventlake",
                "collection.name.format=" + table,
                "schema.evolution=none",
                "batch.size=2000",
                "insert.mode=" + mode,
                "transforms=value" + (upsert ? ",key" : ""),
                "transforms.value.type=org.apache.kafka.connect.transforms.HoistField$Value",
                "transforms.value.field=data"));
        if (upsert) {
            settings.addAll(List.of("primary.key.mode=record_key", "primary.key.fields=event_key",
                    "transforms.key.type=org.apache.kafka.connect.transforms.HoistField$Key",
                    "transforms.key.field=event_key"));
        } else {
            settings.add("primary.key.mode=none");
        }
        Files.writeString(connector, String.join("\n", settings) + "\n");
        MachineLoad cpu = MachineLoad.now();
        Process connect = new ProcessBuilder("bash", "-c", System.getenv("CONNECT_CMD") + " " + worker + " " + connector)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new java.io.File("target/bench/connect.log")))
                .start();
        try (Connection c = connection(); PreparedStatement progress = c.prepareStatement(
                "select count(*), coalesce(sum((data->>'version')::bigint), 0) from " + table)) {
            long launched = System.nanoTime();
            long firstAt = 0;
            long firstRows = 0;
            while (true) {
                long rows;
                long versionSum;
                try (ResultSet rs = progress.executeQuery()) {
                    rs.next();
                    rows = rs.getLong(1);
                    versionSum = rs.getLong(2);
                }
                long now = System.nanoTime();
                if (firstAt == 0 && rows > 0) {
                    firstAt = now;
                    firstRows = rows;
                }
                if (rows == expectedRows && (!upsert || versionSum == expectedVersionSum)) {
                    if (rows == firstRows) {
                        throw new IllegalStateException("Connect wrote everything between two looks: too few events to time");
                    }
                    System.out.printf("  Connect %s: %,d rows, %.1f s after launch%n", mode, rows, (now - launched) / 1e9);
                    // Upsert rows are keys, not records: all records over the time from the first rows, which
                    // counts the first batch's records without its time (in the peer's favour, ~1%).
                    return new Result((upsert ? keys.size() : rows - firstRows) / ((now - firstAt) / 1e9), cpu.busySince());
                }
                if (!connect.isAlive() || now - launched > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException("Connect " + mode + " stopped at " + rows + " of " + expectedRows
                            + " rows; see target/bench/connect.log");
                }
                Thread.sleep(200);
            }
        } finally {
            connect.destroy();
            connect.waitFor();
        }
    }

    /** Live and deleted keys of a stream's view. */
    static long[] viewCounts(String stream) throws Exception {
        try (Connection c = connection(); PreparedStatement count = c.prepareStatement(
                "select count(*) filter (where not deleted), count(*) filter (where deleted) from latest_event where stream = ?")) {
            count.setString(1, stream);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return new long[] { rs.getLong(1), rs.getLong(2) };
            }
        }
    }

    static double rawConsume(String topic, int n) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("bench-raw-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            long count = 0;
            long start = 0;
            while (count < n) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (start == 0 && !records.isEmpty()) {
                    start = System.nanoTime(); // from the first record: group join is not consuming
                }
                count += records.count();
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    static final String COLUMNS = "source, event_id, type, stream, event_key, event_time, data, source_topic, source_partition, source_offset";

    static double rawInsert(List<byte[]> keys, List<byte[]> values, String type, String stream, String topic) throws Exception {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            prepareRawTable(c);
            int n = keys.size();
            int batch = 500;
            StringBuilder sql = new StringBuilder("insert into bench_raw (" + COLUMNS + ") values ");
            for (int i = 0; i < batch; i++) {
                sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?::jsonb,?,?,?)");
            }
            long start = System.nanoTime();
            try (PreparedStatement insert = c.prepareStatement(sql.toString())) {
                for (int from = 0; from + batch <= n; from += batch) {
                    int p = 1;
                    for (int i = from; i < from + batch; i++) {
                        insert.setString(p++, "kafka:" + topic);
                        insert.setString(p++, topic + "/0/" + i);
                        insert.setString(p++, type);
                        insert.setString(p++, stream);
                        insert.setString(p++, new String(keys.get(i), StandardCharsets.UTF_8));
                        insert.setObject(p++, OffsetDateTime.now());
                        insert.setString(p++, new String(values.get(i), StandardCharsets.UTF_8));
                        insert.setString(p++, topic);
                        insert.setInt(p++, 0);
                        insert.setLong(p++, i);
                    }
                    insert.executeUpdate();
                    c.commit();
                }
            }
            double rate = (n - n % batch) / ((System.nanoTime() - start) / 1e9);
            dropRawTable(c);
            return rate;
        }
    }

    static double rawCopy(List<byte[]> keys, List<byte[]> values, String type, String stream, String topic) throws Exception {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            prepareRawTable(c);
            int n = keys.size();
            int chunk = 10_000;
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            long start = System.nanoTime();
            for (int from = 0; from < n; from += chunk) {
                StringBuilder csv = new StringBuilder();
                for (int i = from; i < Math.min(n, from + chunk); i++) {
                    csv.append("kafka:").append(topic).append('\t').append(topic).append("/0/").append(i).append('\t')
                            .append(type).append('\t').append(stream).append('\t')
                            .append(new String(keys.get(i), StandardCharsets.UTF_8)).append('\t')
                            .append(Instant.now()).append('\t')
                            .append(new String(values.get(i), StandardCharsets.UTF_8).replace("\\", "\\\\").replace("\n", "\\n"))
                            .append('\t').append(topic).append("\t0\t").append(i).append('\n');
                }
                copy.copyIn("copy bench_raw (" + COLUMNS + ") from stdin",
                        new java.io.StringReader(csv.toString()));
                c.commit();
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            dropRawTable(c);
            return rate;
        }
    }

    static void prepareRawTable(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists bench_raw");
            // Same columns, constraints and indexes as the lake table, in one plain table: the idempotency key the lake
            // keeps in lake_event_id is a unique index here, and seq counts on its own (not the lake's sequence).
            s.execute("create table bench_raw (like lake_event including all)");
            s.execute("alter table bench_raw alter column seq drop default");
            s.execute("alter table bench_raw alter column seq add generated by default as identity");
            s.execute("create unique index on bench_raw (event_id, source)");
        }
        c.commit();
    }

    static void dropRawTable(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("drop table bench_raw");
        }
        c.commit();
    }

    /**
     * End-to-end latency, open loop: events are sent on a fixed schedule (event i is due at start + i/rate) and
     * each one's latency runs from when it was due, not from when the producer got to it, so a stall anywhere
     * (the producer included) shows up in the figures instead of slowing the load down.
     */
    static LatencyRun latency(String topic, String type, String cleanTopic, String fixture, int rate, int seconds) throws Exception {
        List<Long> samples = new ArrayList<>();
        // The legs of each counted event: due -> handed to the publisher's producer, -> the service's forward
        // (the clean record's create time), -> read by the benchmark's consumer.
        List<long[]> legs = new ArrayList<>();
        int total = rate * seconds;
        // Written by the publisher, read by the reader thread.
        java.util.concurrent.atomic.AtomicLongArray sentAt = new java.util.concurrent.atomic.AtomicLongArray(total);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong startMillis = new AtomicLong();
        java.util.regex.Pattern version = java.util.regex.Pattern.compile("\"version\": (\\d+)");
        int warmUp = 5 * rate; // the first 5 s are not counted
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer("bench-lat-" + UUID.randomUUID())) {
                consumer.subscribe(List.of(cleanTopic));
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.currentTimeMillis();
                        // The benchmark's payload starts with its index: {"version": i, ...}
                        var m = version.matcher(new String(r.value(), 0, Math.min(40, r.value().length), StandardCharsets.UTF_8));
                        if (!m.find()) {
                            throw new IllegalStateException("a forwarded event without the benchmark's index");
                        }
                        long i = Long.parseLong(m.group(1));
                        if (i >= warmUp) {
                            long due = startMillis.get() + i * 1000 / rate;
                            long sent = sentAt.get((int) i);
                            synchronized (samples) {
                                samples.add(now - due);
                                legs.add(new long[] { sent - due, r.timestamp() - sent, now - r.timestamp() });
                            }
                        }
                    }
                }
            }
        });
        reader.start();
        Thread.sleep(2000);
        System.out.printf("latency run: %,d events at %,d/s...%n", total, rate);
        // A latency-minded publisher sends each event at once (linger.ms=0): the figure is the service's.
        try (KafkaProducer<byte[], byte[]> producer = producer(Integer.parseInt(System.getenv().getOrDefault("LATENCY_LINGER_MS", "0")))) {
            startMillis.set(System.currentTimeMillis());
            long start = System.nanoTime();
            Random random = new Random(7);
            for (int i = 0; i < total; i++) {
                long due = start + (long) (i * (1e9 / rate));
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                long rental = 1 + random.nextInt(50_000);
                var record = new ProducerRecord<>(topic, ("Rental-" + rental).getBytes(StandardCharsets.UTF_8),
                        payload(fixture, rental, i));
                record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
                sentAt.set(i, System.currentTimeMillis());
                producer.send(record);
            }
            producer.flush();
        }
        // Until every counted event has arrived (a lost one fails the run), at most 60 s.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            synchronized (samples) {
                if (samples.size() >= total - warmUp) {
                    break;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + samples.size() + " of " + (total - warmUp) + " counted events arrived");
            }
            Thread.sleep(100);
        }
        stop.set(true);
        reader.join();
        long[] sorted;
        StringBuilder legText = new StringBuilder("  legs, p50 / p99 ms:");
        synchronized (samples) {
            sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
            String[] names = { "due -> sent by the publisher", "sent -> forwarded by the service", "forwarded -> read" };
            for (int leg = 0; leg < names.length; leg++) {
                int l = leg;
                long[] values = legs.stream().mapToLong(v -> v[l]).sorted().toArray();
                legText.append(String.format(" %s %d / %d;", names[leg], percentile(values, 50), percentile(values, 99)));
            }
        }
        return new LatencyRun(sorted, legText.toString());
    }

    /** A latency run's end-to-end figures (sorted) and its legs' percentiles. */
    record LatencyRun(long[] sorted, String legs) {
    }

    /** The service's Prometheus metrics, as text. */
    static String serviceMetrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(serviceUrl + "/q/metrics"))
                .header("Authorization", "Bearer " + System.getenv("EVENTLAKE_TOKEN")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The service's own view: batches, and mean time per batch to store and to forward. */
    static String serviceTimers() throws Exception {
        String body = serviceMetrics();
        StringBuilder out = new StringBuilder("  service side:");
        for (String timer : List.of("eventlake_lake_write_seconds", "eventlake_forward_seconds")) {
            double count = 0, sum = 0;
            for (String line : body.split("\n")) {
                if (line.startsWith(timer + "_count")) {
                    count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith(timer + "_sum")) {
                    sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            out.append(String.format(" %s %.0f batches, %.1f ms/batch;", timer.replace("eventlake_", "").replace("_seconds", ""),
                    count, count == 0 ? 0 : 1000 * sum / count));
        }
        // Records delivered again (a rebalance when a new topic is picked up, a retried batch): absorbed by
        // idempotency, but each costs a round of work.
        double duplicates = 0;
        StringBuilder byStream = new StringBuilder();
        for (String line : body.split("\n")) {
            if (line.startsWith("eventlake_events_ingested_total{") && line.contains("outcome=\"duplicate\"")) {
                double n = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                duplicates += n;
                var stream = java.util.regex.Pattern.compile("stream=\"([^\"]*)\"").matcher(line);
                if (n > 0 && stream.find()) {
                    byStream.append(String.format(" %s %,.0f", stream.group(1), n));
                }
            }
        }
        out.append(String.format(" duplicates so far %,.0f", duplicates)).append(byStream.isEmpty() ? "" : " (" + byStream + ")");
        return out.toString();
    }

    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static byte[] payload(String fixture, long rental, long version) {
        return fixture.replaceFirst("\"id\": 4711", "\"id\": " + rental)
                .replaceFirst("\\{", "{\"version\": " + version + ",")
                .getBytes(StandardCharsets.UTF_8);
    }

    static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            while (producer.partitionsFor(topic).stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
                Thread.sleep(50);
            }
        }
        Thread.sleep(3000); // let the service's pattern subscription pick the topic up
    }

    static KafkaProducer<byte[], byte[]> producer() {
        return producer(5);
    }

    static KafkaProducer<byte[], byte[]> producer(int lingerMs) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("acks", "all");
        props.put("linger.ms", Integer.toString(lingerMs));
        props.put("batch.size", "262144");
        props.put("enable.idempotence", "false");
        props.put("max.in.flight.requests.per.connection", "1");
        return new KafkaProducer<>(props);
    }

    static KafkaConsumer<byte[], byte[]> consumer(String group) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", group);
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("max.poll.records", "2000");
        return new KafkaConsumer<>(props);
    }

    static Connection connection() throws Exception {
        return DriverManager.getConnection(jdbcUrl, "eventlake", "eventlake");
    }
}
