import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The fault suite, counted: run by bench/faults.sh. For each scenario it publishes a stream of events (1% of them
 * not JSON, many keys, versions ascending per key) while a fault happens, waits until the service has caught up,
 * then counts independently of the service (a plain consumer and SQL): every valid event once in the lake, every
 * invalid one one dead letter, every valid event once on its clean topic and in order per key, the dead-letter
 * topic copies, what is left unacknowledged, the time from the fault's end to ingest moving again, and what
 * readiness said throughout.
 * <p>
 * Scenarios: kill9 (the service killed with kill -9 five times at random moments and restarted), broker-restart,
 * pg-restart, db-refused-30s, db-refused-2m, db-refused-10m (the database refuses connections that long), and
 * slow-readers (ingest's rate alone, then with 50 snapshot readers connected that never read).
 */
public class FaultBenchmark {

    static final int KEYS = 10_000;
    static final String INGEST_GROUP = "eventlake-ingest";

    final String jdbc;
    final String database;
    final String pgCluster;
    final int events;
    final int rate;
    final Path out;
    final Random random = new Random(20261202L);
    final String serviceCommand = System.getenv("SERVICE_CMD");
    final String brokerCommand = System.getenv("BROKER_CMD");
    final String healthUrl = System.getenv("HEALTH_URL");
    final String bootstrap;
    Process broker;
    Process service;
    int serviceStarts;

    FaultBenchmark(String bootstrap, String jdbc, String database, String pgCluster, int events, int rate, Path out) {
        this.bootstrap = bootstrap;
        this.jdbc = jdbc;
        this.database = database;
        this.pgCluster = pgCluster;
        this.events = events;
        this.rate = rate;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String jdbc = args[1];
        String database = args[2];
        String pgCluster = args[3];
        int events = Integer.parseInt(args[4]);
        int rate = Integer.parseInt(args[5]);
        List<String> scenarios = List.of(args[6].split(","));
        FaultBenchmark bench = new FaultBenchmark(bootstrap, jdbc, database, pgCluster, events, rate, Path.of(args[7]));
        bench.startBroker();
        bench.startService();
        List<String> rows = new ArrayList<>();
        try {
            for (String scenario : scenarios) {
                rows.add(bench.run(scenario));
            }
        } finally {
            bench.stopService();
            bench.broker.destroy();
            bench.broker.waitFor();
        }
        System.out.println();
        System.out.printf("Faults, %,d events per scenario (1%% invalid, %,d keys), published at %,d/s%n", events, KEYS, rate);
        System.out.println("| fault | lake: missing / duplicated | dead letters: missing / duplicated | clean topic: missing / "
                + "duplicated / out of order | dead-letter topic copies (invalid) | unacknowledged | fault end → ingest moving "
                + "| readiness: DOWN during fault / false DOWN after / UP at end |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        rows.forEach(System.out::println);
    }

    // --- one scenario --------------------------------------------------------------------------------------

    String run(String scenario) throws Exception {
        if (scenario.equals("slow-readers")) {
            return slowReaders();
        }
        String stream = "f" + scenario.replaceAll("[^a-z0-9]", "") + Long.toString(System.currentTimeMillis(), 36);
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
        log("scenario " + scenario + ": publishing " + events + " events to " + topic);
        AtomicLong published = new AtomicLong();
        AtomicBoolean faultActive = new AtomicBoolean();
        List<long[]> health = new CopyOnWriteArrayList<>(); // {millis, status, faultActive}
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = new Thread(() -> pollHealth(health, polling, faultActive));
        poller.start();
        Set<Integer> refused = ConcurrentHashMap.newKeySet();
        Thread publisher = new Thread(() -> publish(topic, type, published, refused));
        publisher.start();

        List<Long> faultEnds = new ArrayList<>();
        switch (scenario) {
            case "kill9" -> {
                awaitPublished(published, events / 10);
                for (int kill = 1; kill <= 5; kill++) {
                    // at a random moment while ingest moves: 0.5 to 3 s after it resumed
                    if (kill > 1) {
                        resumedAfter(type, faultEnds.get(faultEnds.size() - 1));
                    }
                    Thread.sleep(500 + random.nextInt(2500));
                    faultActive.set(true);
                    log("kill -9 of the service (" + kill + " of 5)");
                    service.destroyForcibly().waitFor();
                    Thread.sleep(1000);
                    // the fault ends when the service is started again; ingest moving is measured from there
                    faultEnds.add(System.currentTimeMillis());
                    startService();
                    faultActive.set(false);
                }
            }
            case "broker-restart" -> {
                awaitPublished(published, events * 3 / 10);
                faultActive.set(true);
                log("broker stopped");
                broker.destroy();
                broker.waitFor();
                Thread.sleep(5000);
                startBroker();
                faultEnds.add(System.currentTimeMillis());
                faultActive.set(false);
            }
            case "pg-restart" -> {
                awaitPublished(published, events * 3 / 10);
                faultActive.set(true);
                log("PostgreSQL restarted");
                shell("pg_ctlcluster --skip-systemctl-redirect " + pgCluster + " restart");
                faultEnds.add(System.currentTimeMillis());
                faultActive.set(false);
            }
            default -> {
                if (!scenario.startsWith("db-refused-")) {
                    throw new IllegalArgumentException("unknown scenario " + scenario);
                }
                Duration outage = Duration.parse("PT" + scenario.substring("db-refused-".length()).toUpperCase());
                awaitPublished(published, events * 3 / 10);
                faultActive.set(true);
                log("the database refuses connections for " + outage);
                psql("alter database " + database + " allow_connections false");
                psql("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "'");
                Thread.sleep(outage.toMillis());
                psql("alter database " + database + " allow_connections true");
                faultEnds.add(System.currentTimeMillis());
                faultActive.set(false);
            }
        }
        publisher.join();
        long lastFaultEnd = faultEnds.get(faultEnds.size() - 1);
        long resumedMillis = resumedAfter(type, lastFaultEnd);

        // Only what the broker acknowledged is owed: a send it refused is the publisher's loss, printed apart.
        int invalid = (int) IntStream.range(0, events).filter(i -> isInvalid(i) && !refused.contains(i)).count();
        int valid = events - refused.size() - invalid;
        if (!refused.isEmpty()) {
            log("publisher: " + refused.size() + " sends not acknowledged by the broker (not owed by the service)");
        }
        awaitCaughtUp(type, topic, valid, invalid);
        polling.set(false);
        poller.join();

        // --- counted independently of the service
        long[] lake = sqlLongs("select count(*), count(distinct event_id) from lake_event where type = ?", type);
        long[] deadLetters = sqlLongs("select count(*), count(distinct (source_partition, source_offset)) from dead_letter "
                + "where source_topic = ?", topic);
        CleanCount clean = countClean("clean." + stream);
        int deadLetterCopies = countDeadLetterCopies(topic);
        long unacknowledged = unacknowledged(topic);
        long downDuringFault = health.stream().filter(h -> h[2] == 1 && h[1] != 200).count();
        long falseDown = health.stream().filter(h -> h[2] == 0 && h[0] > lastFaultEnd + resumedMillis + 5000
                && h[1] != 200).count();
        boolean upAtEnd = healthStatus() == 200;
        String name = scenario.equals("kill9") ? "kill -9 ×5" : scenario;
        return String.format("| %s | %d / %d | %d / %d | %d / %d / %d | %d (%d) | %d | %.1f s | %d probes / %d / %s |",
                name, valid - lake[1], lake[0] - lake[1], invalid - deadLetters[1], deadLetters[0] - deadLetters[1],
                valid - clean.distinct, clean.records - clean.distinct, clean.outOfOrder, deadLetterCopies, invalid,
                unacknowledged, resumedMillis / 1000.0, downDuringFault, falseDown, upAtEnd ? "yes" : "NO");
    }

    /**
     * Ingest's rate with 50 readers of snapshots that never read connected, between two runs without them (the
     * first warms up): the same number of events each time, published as fast as the publisher goes, timed from
     * the first send until the lake holds them all.
     */
    String slowReaders() throws Exception {
        String stream = "fslow" + Long.toString(System.currentTimeMillis(), 36);
        String topic = "ingest." + stream;
        String type = stream + ".updated";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
        int third = events / 3;
        double warmUp = timedIngest(topic, type, 0, third);
        log(String.format("ingest alone, warming up: %,.0f events/s", warmUp));
        List<java.net.Socket> readers = new ArrayList<>();
        URI health = URI.create(healthUrl);
        int refused = 0;
        for (int i = 0; i < 50; i++) {
            java.net.Socket socket = new java.net.Socket();
            socket.setReceiveBufferSize(4096); // before connecting, so the window stays small
            socket.connect(new java.net.InetSocketAddress(health.getHost(), health.getPort()));
            socket.getOutputStream().write(("GET /streams/" + stream + "/snapshot HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + System.getenv("EVENTLAKE_TOKEN") + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            readers.add(socket);
        }
        Thread.sleep(2000);
        for (java.net.Socket socket : readers) {
            // the status line only: a refused reader (503) is answered at once, an admitted one streams
            byte[] head = new byte[12];
            socket.setSoTimeout(1000);
            try {
                int read = socket.getInputStream().read(head);
                if (read > 0 && new String(head, 0, read, StandardCharsets.US_ASCII).contains(" 503")) {
                    refused++;
                }
            } catch (java.net.SocketTimeoutException e) {
                // admitted, and waiting for one of the readers' connections: nothing sent yet
            }
        }
        double withReaders = timedIngest(topic, type, third, 2 * third);
        log(String.format("ingest with 50 slow snapshot readers: %,.0f events/s", withReaders));
        for (java.net.Socket socket : readers) {
            socket.close();
        }
        double alone = timedIngest(topic, type, 2 * third, 3 * third);
        log(String.format("ingest alone again: %,.0f events/s", alone));
        return String.format("| 50 slow snapshot readers (%d refused with 503) | ingest alone %,.0f events/s, with the "
                + "readers connected %,.0f events/s (%.0f%%) | | | | | | |", refused, alone, withReaders,
                100 * withReaders / alone);
    }

    /** Publishes events from..to as fast as it goes (all valid); events/s until the lake holds them. */
    double timedIngest(String topic, String type, int from, int to) throws Exception {
        long before = sqlLongs("select count(*) from lake_event where type = ?", type)[0];
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("linger.ms", "5");
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = from; i < to; i++) {
                String key = "k" + (i % KEYS);
                var record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                        ("{\"key\":\"" + key + "\",\"version\":" + i + ",\"payload\":\"" + "x".repeat(200) + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
                record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
                record.headers().add("event-id", ("e" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
        }
        while (sqlLongs("select count(*) from lake_event where type = ?", type)[0] < before + (to - from)) {
            Thread.sleep(100);
        }
        return (to - from) / ((System.nanoTime() - start) / 1e9);
    }

    static boolean isInvalid(int i) {
        return i % 100 == 37;
    }

    void publish(String topic, String type, AtomicLong published, Set<Integer> refused) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("acks", "all");
        props.put("linger.ms", "5");
        // rides out a broker restart
        props.put("delivery.timeout.ms", "600000");
        props.put("max.block.ms", "600000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                String key = "k" + (i % KEYS);
                byte[] value = isInvalid(i) ? ("{\"version\": " + i + ", oops").getBytes(StandardCharsets.UTF_8)
                        : ("{\"key\":\"" + key + "\",\"version\":" + i + ",\"payload\":\"" + "x".repeat(200) + "\"}")
                                .getBytes(StandardCharsets.UTF_8);
                var record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
                record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
                record.headers().add("event-id", ("e" + i).getBytes(StandardCharsets.UTF_8));
                int index = i;
                producer.send(record, (metadata, error) -> {
                    if (error != null && refused.add(index) && refused.size() == 1) {
                        log("publisher: a send failed: " + error);
                    }
                });
                published.incrementAndGet();
                long due = start + (long) ((i + 1) * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    Thread.sleep(wait / 1_000_000);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void awaitPublished(AtomicLong published, long count) throws InterruptedException {
        while (published.get() < count) {
            Thread.sleep(50);
        }
    }

    /** Milliseconds from the fault's end to the first new event in the lake. */
    long resumedAfter(String type, long faultEnd) throws Exception {
        long before = -1;
        while (true) {
            try {
                // The newest position in the lake (an index lookup): a count of a type's events scans a table of
                // millions of rows and took longer than the resumption it was to time.
                long now = sqlLongs("select coalesce(max(seq), 0) from lake_event")[0];
                if (before >= 0 && now > before) {
                    return System.currentTimeMillis() - faultEnd;
                }
                before = now;
            } catch (Exception e) {
                // the database may still be coming back
            }
            if (System.currentTimeMillis() - faultEnd > 15 * 60_000) {
                return -1;
            }
            Thread.sleep(100);
        }
    }

    void awaitCaughtUp(String type, String topic, int valid, int invalid) throws Exception {
        long deadline = System.currentTimeMillis() + 20 * 60_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                long lake = sqlLongs("select count(distinct event_id) from lake_event where type = ?", type)[0];
                long dead = sqlLongs("select count(*) from dead_letter where source_topic = ?", topic)[0];
                if (lake >= valid && dead >= invalid && unacknowledged(topic) == 0) {
                    Thread.sleep(3000); // let the last forwards and copies land before counting them
                    return;
                }
            } catch (Exception e) {
                // retry
            }
            Thread.sleep(1000);
        }
        log("not caught up after 20 minutes: counting what is there");
    }

    record CleanCount(long records, long distinct, long outOfOrder) {
    }

    CleanCount countClean(String topic) throws Exception {
        Set<String> ids = new HashSet<>();
        Map<String, Integer> lastVersion = new HashMap<>();
        long records = 0;
        long outOfOrder = 0;
        for (ConsumerRecord<byte[], byte[]> record : readAll(topic)) {
            records++;
            String id = header(record, "ce_id");
            if (!ids.add(id)) {
                continue;
            }
            String key = new String(record.key(), StandardCharsets.UTF_8);
            int version = Integer.parseInt(id.substring(1));
            Integer last = lastVersion.put(key, version);
            if (last != null && last > version) {
                outOfOrder++;
            }
        }
        return new CleanCount(records, ids.size(), outOfOrder);
    }

    int countDeadLetterCopies(String sourceTopic) throws Exception {
        int copies = 0;
        for (ConsumerRecord<byte[], byte[]> record : readAll("eventlake.dead-letters")) {
            if (sourceTopic.equals(header(record, "source_topic"))) {
                copies++;
            }
        }
        return copies;
    }

    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("max.poll.records", "5000");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(500)).forEach(all::add);
            }
        }
        return all;
    }

    long unacknowledged(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(INGEST_GROUP)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 4; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long lag = 0;
            for (var entry : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata offset = committed.get(entry.getKey());
                lag += entry.getValue().offset() - (offset == null ? 0 : offset.offset());
            }
            return lag;
        }
    }

    // --- processes, health, SQL ----------------------------------------------------------------------------

    void startBroker() throws Exception {
        Path log = out.resolve("faults-kafka.log");
        long readyBefore = readyLines(log);
        broker = new ProcessBuilder("bash", "-c", brokerCommand).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (readyLines(log) <= readyBefore && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        log("broker ready");
    }

    static long readyLines(Path log) throws Exception {
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains("EMBEDDED KAFKA READY")).count()
                : 0;
    }

    void startService() throws Exception {
        serviceStarts++;
        File log = out.resolve("faults-service.log").toFile();
        service = new ProcessBuilder("bash", "-c", serviceCommand).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (healthStatus() != 200 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        log("service ready (start " + serviceStarts + ")");
    }

    void stopService() throws Exception {
        service.destroy();
        service.waitFor();
    }

    int healthStatus() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(healthUrl))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0; // not reachable (restarting)
        }
    }

    void pollHealth(List<long[]> health, AtomicBoolean polling, AtomicBoolean faultActive) {
        while (polling.get()) {
            health.add(new long[] { System.currentTimeMillis(), healthStatus(), faultActive.get() ? 1 : 0 });
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    long[] sqlLongs(String sql, Object... params) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbc, "eventlake", "eventlake");
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                long[] values = new long[rows.getMetaData().getColumnCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rows.getLong(i + 1);
                }
                return values;
            }
        }
    }

    void psql(String sql) throws Exception {
        shell("psql -h 127.0.0.1 -U postgres -d postgres -qtAc \"" + sql + "\"");
    }

    static void shell(String command) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command + " failed: " + output);
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static void log(String message) {
        System.out.printf("%tT %s%n", System.currentTimeMillis(), message);
    }
}
