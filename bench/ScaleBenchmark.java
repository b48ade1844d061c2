import java.io.InputStream;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.eventlake.testing.MachineLoad;

/**
 * Is Event Lake as fast with a full lake as with an empty one? Loads the lake in stages (straight into the
 * tables, as bench/replay.sh does: events of ~1 KB in 4 streams, 200,000 keys each, one event a second of event
 * time, the latest-per-key view kept with them) and at each stage measures, on the running service:
 *  - the live ingest rate (events published while it runs, until each is stored and forwarded);
 *  - p50/p99 of GET /events by key, by type (a page from a random position), by a one-hour time range (from a
 *    random point of an hour that holds events), GET /streams/{s}/keys/{k}, and the first page (1,000 events) of an
 *    event stream from a random position;
 *  - p50/p99 of POST /replays for one stream's whole history and for a snapshot of one stream's view (each job
 *    cancelled at once): the job counts what it will send when it is created;
 *  - p50/p99 of GET /streams (every stream with its live and deleted keys).
 * Then, on the full lake, retention: one stream's history made old and deleted by the service (bar the latest event of
 * each key), its rate and the queries beside it.
 * Arguments: bootstrap jdbcUrl serviceUrl fixtureJson stages(comma-separated event counts) liveEvents queries
 */
public class ScaleBenchmark {

    static final int STREAMS = 4;
    static final int KEYS_PER_STREAM = 200_000;
    /** The stream with a retention (scale.sh: ten years, so the stages see none of it happen). */
    static final String RETAINED = "scale3";
    /** The loaded history's event time: one event a second from here. */
    static final Instant HISTORY_START = Instant.parse("2024-01-01T00:00:00Z");
    /** Rows per INSERT ... SELECT while loading: a progress line and a commit each. */
    static final long LOAD_CHUNK = 1_000_000;
    /** The service's partition size (eventlake.lake.partition-size; scale.sh passes it): the loads make partitions of it too. */
    static final long PARTITION_SIZE = Long.parseLong(System.getenv().getOrDefault("PARTITION_SIZE", "10000000"));

    /** The hours and minutes of event time of the events after a seq, as the service's appends record them. */
    static final String TIME_INDEX = "select lake_index_event_times(?)";

    static String bootstrap;
    static String jdbcUrl;
    static String serviceUrl;
    /**
     * HTTP/1.1, as curl and most NDJSON clients speak it on plain http: with the JDK client's default h2c upgrade,
     * a stream dropped after its first page left the next one on the same connection waiting for good.
     */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Figures(long lakeEvents, double ingestRate, String ingestLoad, long[] byKey, long[] byType, long[] byTime,
            long[] keyState, long[] streamPage, long[] replayCreated, long[] snapshotCreated, long[] streamsListed) {
    }

    public static void main(String[] args) throws Exception {
        bootstrap = args[0];
        jdbcUrl = args[1];
        serviceUrl = args[2];
        String fixture = Files.readString(Path.of(args[3]));
        long[] stages = Arrays.stream(args[4].split(",")).mapToLong(Long::parseLong).toArray();
        int liveEvents = Integer.parseInt(args[5]);
        int queries = Integer.parseInt(args[6]);

        for (int s = 0; s < STREAMS; s++) {
            createTopic("ingest.scale" + s);
        }
        // Warm-up, not counted: the first ingest of a fresh JVM runs mostly interpreted.
        System.out.println("Warming the service up (an ingest run and queries, not counted)...");
        ingest(fixture, liveEvents, -1);
        List<Figures> results = new ArrayList<>();
        long loaded = 0;
        for (long stage : stages) {
            if (stage > loaded) {
                System.out.printf("Loading the lake to %,d events...%n", stage);
                load(fixture, loaded + 1, stage);
                loaded = stage;
            } else {
                // What autovacuum does soon after the warm-up's ingest: statistics, so the first stage's plans are
                // the ones a lake in use gets (not those for a table the planner knows nothing about).
                try (Connection c = connection(); var vacuum = c.createStatement()) {
                    vacuum.execute("vacuum analyze lake_event");
                    vacuum.execute("vacuum analyze latest_event");
                }
            }
            try (Connection c = connection()) {
                System.out.printf("== %,d events loaded, in %d partitions of the lake: measuring ==%n", loaded,
                        count(c, "select count(*) from lake_partition"));
            }
            // Ingest first: on the empty lake its events are what the queries find.
            MachineLoad cpu = MachineLoad.now();
            double ingestRate = ingest(fixture, liveEvents, stage);
            String ingestLoad = cpu.busySince();
            Random random = new Random(stage);
            long lakeEvents = count("select count(*) from lake_event");
            long maxSeq = count("select coalesce(max(seq), 0) from lake_event");
            long[] byKey = timed(queries, () -> get("/events?key=Rental-" + random.nextInt(KEYS_PER_STREAM) + "&limit=100"));
            long[] byType = timed(queries, () -> get("/events?type=scale" + random.nextInt(STREAMS) + ".updated&limit=100&after="
                    + cursor((long) (random.nextDouble() * maxSeq))));
            // A window in an hour that holds events (the lake's time index lists them): at the first stage the live
            // runs' hours, later mostly the loaded history's, so every stage's windows hold events to read.
            List<Instant> hours = hoursWithEvents();
            long[] byTime = timed(queries, () -> {
                Instant from = hours.get(random.nextInt(hours.size())).plusSeconds(random.nextInt(3600));
                get("/events?limit=100&from=" + from + "&to=" + from.plusSeconds(3600));
            });
            long[] keyState = timed(queries, () -> get("/streams/scale" + random.nextInt(STREAMS) + "/keys/Rental-"
                    + random.nextInt(KEYS_PER_STREAM), 200, 404));
            // From a position with a full page after it (at least 4,000 events of the lake, 1,000 of the stream).
            long pageFrom = Math.max(0, maxSeq - 4 * 1000);
            long[] streamPage = timed(Math.max(1, queries / 4), () -> firstPage("/streams/scale" + random.nextInt(STREAMS)
                    + "/events?after=" + cursor((long) (random.nextDouble() * pageFrom))));
            long[] replayCreated = replaysCreated("history", Math.max(3, queries / 20), random);
            long[] snapshotCreated = replaysCreated("snapshot", Math.max(3, queries / 20), random);
            long[] streamsListed = timed(Math.max(3, queries / 20), () -> get("/streams"));
            results.add(new Figures(lakeEvents, ingestRate, ingestLoad, byKey, byType, byTime, keyState, streamPage,
                    replayCreated, snapshotCreated, streamsListed));
            print(results);
        }
        retention(queries);
    }

    /**
     * Retention on the full lake: the stream {@code RETAINED} has a retention (scale.sh sets it, ten years, so nothing
     * expired while the stages ran); its history is made eleven years old, and the service's next run deletes all of it
     * but the latest event of each key. Prints how fast, and the by-key and by-type queries while it runs beside the
     * last stage's.
     */
    static void retention(int queries) throws Exception {
        String stream = RETAINED;
        System.out.printf("== Retention of %s (every event but the latest of each key made eleven years old) ==%n", stream);
        long aged;
        long expired;
        try (Connection c = connection(); var age = c.prepareStatement(
                "update lake_event set ingested_at = now() - interval '11 years' where stream = ?")) {
            // Counted first: the deletes start as soon as the update commits.
            expired = count(c, "select count(*) from lake_event e where stream = '" + stream + "' and not exists "
                    + "(select 1 from latest_event l where l.stream = e.stream and l.event_key = e.event_key and l.seq = e.seq)");
            age.setString(1, stream);
            aged = age.executeUpdate();
        }
        double removedBefore = retentionRemoved(stream);
        long start = System.nanoTime();
        MachineLoad cpu = MachineLoad.now();
        Random random = new Random(11);
        long maxSeq = count("select coalesce(max(seq), 0) from lake_event");
        long[] byKey = timed(queries, () -> get("/events?key=Rental-" + random.nextInt(KEYS_PER_STREAM) + "&limit=100"));
        long[] byType = timed(queries, () -> get("/events?type=scale" + random.nextInt(STREAMS) + ".updated&limit=100&after="
                + cursor((long) (random.nextDouble() * maxSeq))));
        double queriesDone = (System.nanoTime() - start) / 1e9;
        boolean overlapped = retentionRemoved(stream) - removedBefore < expired;
        long deadline = System.nanoTime() + Duration.ofHours(2).toNanos();
        while (retentionRemoved(stream) - removedBefore < expired) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("retention did not delete " + expired + " events within 2 hours");
            }
            Thread.sleep(200);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String load = cpu.busySince();
        System.out.printf("aged %,d events of %s; retention deleted the %,d expired in %.1f s: %,.0f events/s (%s)%n", aged,
                stream, expired, seconds, expired / seconds, load);
        System.out.printf("beside it (%s, the queries took %.1f s): events by key %s, by type %s ms (p50 / p99)%n%n",
                overlapped ? "the deletes still running when the queries ended" : "the deletes ended before the queries did",
                queriesDone, pair(byKey), pair(byType));
    }

    /** The service's count of events retention deleted from the stream. */
    static double retentionRemoved(String stream) throws Exception {
        HttpResponse<String> response = HTTP.send(request("/q/metrics"), HttpResponse.BodyHandlers.ofString());
        String series = "eventlake_retention_events_removed_total{stream=\"" + stream + "\"} ";
        return response.body().lines().filter(line -> line.startsWith(series))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length()))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + series + "in the metrics: is its retention set?"));
    }

    static void print(List<Figures> results) {
        Figures empty = results.get(0);
        System.out.println();
        System.out.println("== Event Lake at scale (p50 / p99 in ms; in brackets: against the first stage) ==");
        System.out.printf("%14s %22s %16s %16s %16s %16s %18s %18s %18s %18s%n", "lake events", "live ingest ev/s",
                "events by key", "events by type", "events by time", "stream key", "stream 1st page", "replay created",
                "snapshot created", "streams listed");
        for (Figures f : results) {
            System.out.printf("%,14d %,10.0f (%+4.0f%%)   %16s %16s %16s %16s %18s %18s %18s %18s   (%s)%n", f.lakeEvents,
                    f.ingestRate, 100 * (f.ingestRate - empty.ingestRate) / empty.ingestRate, pair(f.byKey),
                    pair(f.byType), pair(f.byTime), pair(f.keyState), pair(f.streamPage), pair(f.replayCreated),
                    pair(f.snapshotCreated), pair(f.streamsListed), f.ingestLoad);
        }
        System.out.println();
    }

    static String pair(long[] sortedMicros) {
        return String.format("%.1f / %.1f", percentile(sortedMicros, 50) / 1000.0, percentile(sortedMicros, 99) / 1000.0);
    }

    static long percentile(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** The hours of event time the lake holds events in (from its time index). */
    static List<Instant> hoursWithEvents() throws Exception {
        List<Instant> hours = new ArrayList<>();
        try (Connection c = connection(); var rows = c.createStatement().executeQuery("select hour from lake_time_index")) {
            while (rows.next()) {
                hours.add(rows.getTimestamp(1).toInstant());
            }
        }
        if (hours.isEmpty()) {
            throw new IllegalStateException("the lake's time index is empty: nothing was ingested");
        }
        return hours;
    }

    /**
     * Events from..to (lake seq and event time follow the number), each stream's keys cycling, and the view's
     * rows for them, as ingest would leave it (one row per key, its latest event).
     */
    static void load(String fixture, long from, long to) throws Exception {
        long start = System.nanoTime();
        try (Connection c = connection()) {
            long chunkSize = Math.min(LOAD_CHUNK, PARTITION_SIZE);
            for (long chunk = from; chunk <= to; chunk += chunkSize) {
                long last = Math.min(to, chunk + chunkSize - 1);
                long seqBefore = count(c, "select coalesce(max(seq), 0) from lake_event");
                // The partitions the chunk goes into, as the service makes them (a whole one ahead of the sequence;
                // a chunk is at most one partition).
                count(c, "select count(*) from lake_ensure_partitions(" + PARTITION_SIZE + ")");
                try (PreparedStatement insert = c.prepareStatement("""
                        with e as (
                          insert into lake_event (source, event_id, type, stream, event_key, event_time, data,
                                                  source_topic, source_partition, source_offset)
                          select 'scale', 'e-' || g, 'scale' || (g % 4) || '.updated', 'scale' || (g % 4),
                                 'Rental-' || ((g / 4) % 200000), ?::timestamptz + g * interval '1 second',
                                 replace(?, '"id": 4711', '"id": ' || ((g / 4) % 200000))::jsonb, 'ingest.scale', 0, g
                          from generate_series(?, ?) g
                          returning event_id, source, seq)
                        insert into lake_event_id (event_id, source, seq) select event_id, source, seq from e
                        """)) {
                    insert.setString(1, HISTORY_START.toString());
                    insert.setString(2, fixture);
                    insert.setLong(3, chunk);
                    insert.setLong(4, last);
                    insert.executeUpdate();
                }
                try (PreparedStatement view = c.prepareStatement("""
                        insert into latest_event (stream, event_key, seq, event_time)
                        select distinct on (stream, event_key) stream, event_key, seq, event_time
                        from lake_event where seq > ?
                        order by stream, event_key, seq desc
                        on conflict (stream, event_key) do update set seq = excluded.seq, event_time = excluded.event_time
                        """)) {
                    view.setLong(1, seqBefore);
                    view.executeUpdate();
                }
                try (PreparedStatement hours = c.prepareStatement(TIME_INDEX)) {
                    hours.setLong(1, seqBefore);
                    hours.execute();
                }
                System.out.printf("  %,d loaded (%.0f s)%n", last, (System.nanoTime() - start) / 1e9);
            }
            // What autovacuum does soon after a load: statistics for the planner, hint bits and the visibility map.
            try (var vacuum = c.createStatement()) {
                vacuum.execute("vacuum analyze lake_event");
                vacuum.execute("vacuum analyze latest_event");
            }
        }
        System.out.printf("  loaded in %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    /**
     * Live ingest: events published while the service runs, until as many are on their clean topics (ingest
     * forwards an event only once it is stored).
     */
    static double ingest(String fixture, int events, long stage) throws Exception {
        long forwardedBefore = forwarded();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events);
        Random random = new Random(stage + 1);
        for (int i = 0; i < events; i++) {
            int stream = i % STREAMS;
            int key = random.nextInt(KEYS_PER_STREAM);
            var record = new ProducerRecord<>("ingest.scale" + stream, ("Rental-" + key).getBytes(StandardCharsets.UTF_8),
                    fixture.replace("\"id\": 4711", "\"id\": " + key).getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-type", ("scale" + stream + ".updated").getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("acks", "all");
        props.put("linger.ms", "5");
        props.put("batch.size", "262144");
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (var record : records) {
                producer.send(record);
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (forwarded() < forwardedBefore + events) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ingest did not store and forward " + events + " events within 10 minutes");
            }
            Thread.sleep(100);
        }
        return events / ((System.nanoTime() - start) / 1e9);
    }

    /** Records on the streams' clean topics: ingest forwards an event once it is stored. */
    static long forwarded() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<String> topics = new ArrayList<>();
            for (int s = 0; s < STREAMS; s++) {
                topics.add("clean.scale" + s);
            }
            var existing = admin.listTopics().names().get();
            var partitions = new java.util.HashMap<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>();
            for (var description : admin.describeTopics(topics.stream().filter(existing::contains).toList()).allTopicNames().get()
                    .values()) {
                description.partitions().forEach(p -> partitions.put(
                        new org.apache.kafka.common.TopicPartition(description.name(), p.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest()));
            }
            return admin.listOffsets(partitions).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    interface Call {
        void run() throws Exception;
    }

    /** Each call's time in microseconds, sorted; some uncounted calls first. */
    static long[] timed(int n, Call call) throws Exception {
        for (int i = 0; i < Math.min(50, n); i++) {
            call.run();
        }
        long[] micros = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            call.run();
            micros[i] = (System.nanoTime() - start) / 1000;
        }
        Arrays.sort(micros);
        return micros;
    }

    static void get(String path) throws Exception {
        get(path, 200);
    }

    static void get(String path, int... expected) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(request(path), HttpResponse.BodyHandlers.ofByteArray());
        if (Arrays.stream(expected).noneMatch(status -> status == response.statusCode())) {
            throw new IllegalStateException("GET " + path + ": " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    /**
     * The time of {@code n} POST /replays of a random stream from {@code source} (its whole history, or a snapshot of
     * its view), after two uncounted; each job is cancelled as soon as it is created (the figure is the creation, which
     * counts what the job will send).
     */
    static long[] replaysCreated(String source, int n, Random random) throws Exception {
        for (int i = 0; i < 2; i++) {
            replayCreated("scale" + random.nextInt(STREAMS), source);
        }
        long[] micros = new long[n];
        for (int i = 0; i < n; i++) {
            micros[i] = replayCreated("scale" + random.nextInt(STREAMS), source);
        }
        Arrays.sort(micros);
        return micros;
    }

    static long replayCreated(String stream, String source) throws Exception {
        HttpRequest create = HttpRequest.newBuilder(URI.create(serviceUrl + "/replays"))
                .header("Authorization", "Bearer " + System.getenv("EVENTLAKE_TOKEN"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"source\":\"" + source + "\",\"streams\":[\"" + stream
                        + "\"],\"targetTopic\":\"bench.replays.created\"}"))
                .build();
        long start = System.nanoTime();
        HttpResponse<String> created = HTTP.send(create, HttpResponse.BodyHandlers.ofString());
        long micros = (System.nanoTime() - start) / 1000;
        Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(created.body());
        if (created.statusCode() != 202 || !id.find()) {
            throw new IllegalStateException("POST /replays: " + created.statusCode() + " " + created.body());
        }
        HttpResponse<String> cancelled = HTTP.send(HttpRequest.newBuilder(URI.create(serviceUrl + "/replays/" + id.group(1)))
                .header("Authorization", "Bearer " + System.getenv("EVENTLAKE_TOKEN")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        // 409: a short job (the first stage's) may have finished already.
        if (cancelled.statusCode() != 200 && cancelled.statusCode() != 409) {
            throw new IllegalStateException("DELETE /replays/" + id.group(1) + ": " + cancelled.statusCode());
        }
        return micros;
    }

    /** The first 1,000 lines of an event stream (every line of a shorter one), then the connection is dropped. */
    static void firstPage(String path) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(request(path), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + response.statusCode());
        }
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[1 << 16];
            int lines = 0;
            for (int read = in.read(buffer); read >= 0 && lines < 1000; read = in.read(buffer)) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
            if (lines == 0) {
                throw new IllegalStateException("GET " + path + " gave no event");
            }
        }
    }

    static HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(serviceUrl + path))
                .header("Authorization", "Bearer " + System.getenv("EVENTLAKE_TOKEN")).build();
    }

    static String cursor(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + seq).getBytes(StandardCharsets.UTF_8));
    }

    static void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
        Thread.sleep(3000); // let the service's pattern subscription pick the topic up
    }

    static long count(String sql) throws Exception {
        try (Connection c = connection()) {
            return count(c, sql);
        }
    }

    static long count(Connection c, String sql) throws Exception {
        try (ResultSet rows = c.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static Connection connection() throws Exception {
        return DriverManager.getConnection(jdbcUrl, "eventlake", "eventlake");
    }
}
