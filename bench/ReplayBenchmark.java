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
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.testing.MachineLoad;

/**
 * Replay benchmark (run by bench/replay.sh): loads the lake directly, then measures, each time on a fresh
 * service with the same heap limit, a replay of the small and of the large history to a topic (events/s and peak RSS
 * of the service, sampled from /proc), then replays of the small history on the warm service, each followed by the
 * raw Kafka producer rate of the same records (REPLAY_ROUNDS, 2; the ratio within a round), and an HTTP event
 * stream of the small history; the machine's load beside each.
 */
public class ReplayBenchmark {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static String bootstrap;
    static String jdbcUrl;
    static String serviceUrl;

    public static void main(String[] args) throws Exception {
        bootstrap = args[0];
        jdbcUrl = args[1];
        long small = Long.parseLong(args[2]);
        long large = Long.parseLong(args[3]);
        String fixture = Files.readString(Path.of(args[4]));
        serviceUrl = args[5];
        String heap = args[6];
        String stream = "benchreplay";

        // The service's migrations create the tables: start it once and stop it.
        Process migrate = startService();
        migrate.destroy();
        migrate.waitFor();

        System.out.printf("Loading %,d events of ~%d bytes into the lake...%n", small, payload(fixture, 1, 1).length);
        load(stream, fixture, 1, small);

        // Replays and raw producer runs of the same records take turns: this machine's figures move by half between
        // runs of the same code, so a ratio is only read within a round. Both sides run warm, as they would in
        // use: the rounds' replays run on the service that ran a first one (on a fresh service: the small peak RSS),
        // and a first raw run warms the producer's JVM and the broker up. The first runs are printed, not compared.
        Process service = startService();
        Run first = replay(service, stream, "bench.replay.first", small);
        Measured warmUp = rawProducer(fixture, small, "bench.raw.warmup");
        int rounds = Integer.parseInt(System.getenv().getOrDefault("REPLAY_ROUNDS", "2"));
        List<Run> replays = new ArrayList<>();
        List<Measured> raws = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            replays.add(replay(service, stream, "bench.replay.small." + round, small));
            raws.add(rawProducer(fixture, small, "bench.raw." + round));
        }
        service.destroy();
        service.waitFor();
        double http = httpStream(stream, small);

        System.out.printf("Loading %,d more events (%,d in all)...%n", large - small, large);
        load(stream, fixture, small + 1, large);
        Process fresh = startService();
        Run replayLarge = replay(fresh, stream, "bench.replay.large", large);
        fresh.destroy();
        fresh.waitFor();

        System.out.println();
        System.out.println("== Event Lake replay benchmark ==");
        System.out.printf("first replay %,d events, fresh service  %,.0f events/s   (peak RSS %,d MB, heap -Xmx%s; %s)%n", small,
                first.rate, first.peakRssKb / 1024, heap, first.load);
        System.out.printf("raw Kafka producer, warm-up              %,.0f records/s   (%s)%n", warmUp.rate, warmUp.load);
        for (int round = 0; round < rounds; round++) {
            Run replay = replays.get(round);
            Measured raw = raws.get(round);
            System.out.printf("round %d: replay %,d events, lake -> topic %,.0f events/s   (%s)%n", round + 1, small,
                    replay.rate, replay.load);
            System.out.printf("round %d: raw Kafka producer, same records %,.0f records/s   (%s)%n", round + 1, raw.rate,
                    raw.load);
            System.out.printf("round %d: replay/raw %.0f%%%n", round + 1, 100 * replay.rate / raw.rate);
        }
        System.out.printf("HTTP event stream of %,d events (NDJSON) %,.0f events/s%n", small, http);
        System.out.printf("replay %,d events, lake -> topic        %,.0f events/s   (peak RSS %,d MB, heap -Xmx%s; %s)%n",
                large, replayLarge.rate, replayLarge.peakRssKb / 1024, heap, replayLarge.load);
        System.out.printf("peak RSS, large vs small replay          %+.1f%%%n",
                100.0 * (replayLarge.peakRssKb - first.peakRssKb) / first.peakRssKb);
    }

    /** A rate and the machine's load while it was measured. */
    record Measured(double rate, String load) {
    }

    record Run(double rate, long peakRssKb, String load) {
    }

    /** Events 'from'..'to' of the stream, written with one INSERT ... SELECT (2,000 keys, ~1 KB each). */
    static void load(String stream, String fixture, long from, long to) throws Exception {
        long start = System.nanoTime();
        try (Connection c = connection(); PreparedStatement hours = c.prepareStatement(
                "select lake_index_event_times(?)"); PreparedStatement insert = c.prepareStatement("""
                with e as (
                  insert into lake_event (source, event_id, type, stream, event_key, event_time, data, source_topic,
                                          source_partition, source_offset)
                  select 'bench', 'e-' || g, ? || '.updated', ?, 'Rental-' || (g % 2000), now(),
                         replace(?, '"id": 4711', '"id": ' || (g % 2000))::jsonb, 'ingest.bench', 0, g
                  from generate_series(?, ?) g
                  returning event_id, source, seq)
                insert into lake_event_id (event_id, source, seq) select event_id, source, seq from e
                """)) {
            // The partitions the events go into, as the service makes them.
            try (var partitions = c.createStatement()) {
                partitions.executeQuery("select count(*) from lake_ensure_partitions(" + Math.max(10_000_000L, to - from + 1)
                        + ")").close();
            }
            insert.setString(1, stream);
            insert.setString(2, stream);
            insert.setString(3, fixture);
            insert.setLong(4, from);
            insert.setLong(5, to);
            insert.executeUpdate();
            // The hours and minutes of event time, as the service's appends record them (the time index).
            hours.setLong(1, 0);
            hours.execute();
        }
        // What autovacuum does soon after a bulk load: without statistics the planner takes the fresh table
        // for an empty one and reads the whole range before sorting it, page after page; and until a vacuum has
        // set the rows' hint bits, the first read of each page writes it (a replay of history reads rows that
        // autovacuum went over long ago, not rows written a second before).
        try (Connection c = connection(); var vacuum = c.createStatement()) {
            vacuum.execute("vacuum analyze lake_event");
        }
        System.out.printf("  loaded in %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** A replay of the whole stream on the service, sampling the service's RSS while it runs. */
    static Run replay(Process service, String stream, String target, long expected) throws Exception {
        AtomicLong peak = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(rssKb(service.pid()), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(target, 4, (short) 1))).all().get();
        }
        MachineLoad cpu = MachineLoad.now();
        JsonNode job = send("POST", "/replays", "{\"streams\": [\"" + stream + "\"], \"targetTopic\": \"" + target + "\"}");
        long id = job.get("id").asLong();
        System.out.printf("replay %d of %,d events to %s...%n", id, expected, target);
        long lastReport = System.nanoTime();
        while (true) {
            JsonNode state = send("GET", "/replays/" + id, null);
            if (!"RUNNING".equals(state.get("state").asText()) && !"PENDING".equals(state.get("state").asText())) {
                if (!"SUCCEEDED".equals(state.get("state").asText()) || state.get("sent").asLong() != expected) {
                    throw new IllegalStateException("replay ended as " + state);
                }
                sampling.set(false);
                sampler.join();
                String load = cpu.busySince();
                return new Run(state.get("eventsPerSecond").asDouble(), peak.get(), load);
            }
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
                System.out.printf("  sent %,d of %,d (%s events/s), RSS %,d MB%n", state.get("sent").asLong(), expected,
                        state.get("eventsPerSecond"), rssKb(service.pid()) / 1024);
                lastReport = System.nanoTime();
            }
            Thread.sleep(500);
        }
    }

    /**
     * The same records a replay sends (~1 KB values, the key, and the same nine headers: the CloudEvents attributes,
     * the lake position and the job's step mark) produced straight to a topic with the same settings. Until December
     * 2026 this sent five of the nine headers, and a replay's records weighed more than the ones it was compared with.
     */
    static Measured rawProducer(String fixture, long n, String topic) throws Exception {
        // The values and keys the lake holds (see load), made before the clock starts: the producer's rate alone is
        // timed, so the per-record header values that do not change are made once too (the strictest baseline).
        byte[][] values = new byte[2000][];
        byte[][] subjects = new byte[2000][];
        for (int k = 0; k < values.length; k++) {
            values[k] = fixture.replace("\"id\": 4711", "\"id\": " + k).getBytes(StandardCharsets.UTF_8);
            subjects[k] = ("Rental-" + k).getBytes(StandardCharsets.UTF_8);
        }
        byte[] time = DateTimeFormatter.ISO_INSTANT.format(Instant.now()).getBytes(StandardCharsets.UTF_8);
        byte[] json = "application/json".getBytes(StandardCharsets.UTF_8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("linger.ms", "5");
        props.put("batch.size", "131072");
        MachineLoad cpu = MachineLoad.now();
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (long g = 1; g <= n; g++) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "Rental-" + (g % 2000), values[(int) (g % 2000)]);
                record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_id", ("e-" + g).getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_source", "bench".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_type", "benchreplay.updated".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_time", time);
                record.headers().add("ce_subject", subjects[(int) (g % 2000)]);
                record.headers().add("content-type", json);
                record.headers().add("eventlake-seq", Long.toString(g).getBytes(StandardCharsets.UTF_8));
                // A replay marks each record with its job and step (a step: a page of 1,000 events).
                record.headers().add("eventlake-replay", ("1:" + (g / 1000 + 1)).getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
        return new Measured(n / ((System.nanoTime() - start) / 1e9), cpu.busySince());
    }

    /** The whole stream over HTTP as NDJSON, counted line by line as it arrives. */
    static double httpStream(String stream, long expected) throws Exception {
        Process service = startService();
        try {
            long start = System.nanoTime();
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(serviceUrl + "/streams/" + stream + "/events"))
                    .header("Authorization", "Bearer " + System.getenv("EVENTLAKE_TOKEN")).build(), HttpResponse.BodyHandlers.ofInputStream());
            long lines = 0;
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = response.body()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] == '\n') {
                            lines++;
                        }
                    }
                }
            }
            double rate = lines / ((System.nanoTime() - start) / 1e9);
            if (lines != expected) {
                throw new IllegalStateException("the HTTP stream gave " + lines + " events, expected " + expected);
            }
            return rate;
        } finally {
            service.destroy();
            service.waitFor();
        }
    }

    static JsonNode send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serviceUrl + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + System.getenv("EVENTLAKE_TOKEN"));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return MAPPER.readTree(response.body());
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception gone) {
            // the process ended
        }
        return 0;
    }

    static Process startService() throws Exception {
        Process process = new ProcessBuilder("bash", "-c", System.getenv("SERVICE_CMD")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new java.io.File("target/bench/service-replay.log"))).start();
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(serviceUrl + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the service did not become ready; see target/bench/service-replay.log");
    }

    static byte[] payload(String fixture, long rental, long version) {
        return fixture.replaceFirst("\"id\": 4711", "\"id\": " + rental).replaceFirst("\\{", "{\"version\": " + version + ",")
                .getBytes(StandardCharsets.UTF_8);
    }

    static Connection connection() throws Exception {
        return DriverManager.getConnection(jdbcUrl, "eventlake", "eventlake");
    }
}
