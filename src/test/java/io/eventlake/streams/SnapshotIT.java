package io.eventlake.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.testing.EmbeddedKafkaBroker;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.PackagedService;
import io.eventlake.testing.TestIdentity;

/**
 * A snapshot of 100,000 keys of about 1 KB each (over 100 MB of JSON), then the same events as an HTTP event
 * stream, served by the packaged service running with a 64 MB heap to a client that pauses mid-stream: it can
 * only succeed if the service streams with back-pressure instead of holding the result.
 */
class SnapshotIT {

    private static final int KEYS = 100_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startEphemeral();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void aSnapshotAndAnEventStreamOf100000EventsStreamWithA64MbHeapToASlowReader() throws Exception {
        String stream = "snap" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        // Written straight into the lake (its partitions first, as the service makes them) and the view: this test is
        // about reading them.
        LakeDatabase.count("select count(*) from lake_ensure_partitions(?)", KEYS);
        LakeDatabase.count("""
                with e as (
                  insert into lake_event (source, event_id, type, stream, event_key, event_time, data, source_topic,
                                          source_partition, source_offset)
                  select 'it', ? || '-' || g, ? || '.updated', ?, 'K' || lpad(g::text, 6, '0'), now(),
                         jsonb_build_object('n', g, 'pad', repeat('x', 1000)), 'ingest.it', 0, g
                  from generate_series(1, ?) g
                  returning stream, event_key, seq, event_time, event_id, source)
                , i as (insert into lake_event_id (event_id, source, seq) select event_id, source, seq from e)
                , v as (insert into latest_event (stream, event_key, seq, event_time)
                        select stream, event_key, seq, event_time from e returning 1)
                select count(*) from v
                """, stream, stream, stream, KEYS);

        try (PackagedService service = PackagedService.start("snapshot", Map.of("kafka.bootstrap.servers",
                broker.bootstrapServers()), "64m")) {
            HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + service.port() + "/streams/" + stream + "/snapshot"))
                    .header("Authorization", TestIdentity.bearer("reader")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/x-ndjson"));
            long lines = 0;
            String previous = "";
            Iterator<String> body = response.body().iterator();
            while (body.hasNext()) {
                String line = body.next();
                if (line.isBlank()) {
                    continue;
                }
                JsonNode state = MAPPER.readTree(line);
                String key = state.get("key").asText();
                // In key order, each key once, each with its data.
                assertThat(key).isGreaterThan(previous);
                assertThat(state.get("data").get("n").asLong()).isEqualTo(Long.parseLong(key.substring(1)));
                previous = key;
                lines++;
                if (lines == 1_000) {
                    // A slow reader: the service must wait, not buffer the other 99,000 keys.
                    Thread.sleep(3_000);
                }
            }
            assertThat(lines).isEqualTo(KEYS);
            assertThat(service.get("/q/health/live").statusCode()).isEqualTo(200);

            // The same 100,000 events as an HTTP event stream, to the same slow reader, under the same heap.
            HttpResponse<Stream<String>> events = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + service.port() + "/streams/" + stream + "/events"))
                    .header("Authorization", TestIdentity.bearer("reader")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(events.statusCode()).isEqualTo(200);
            long count = 0;
            long previousN = 0;
            Iterator<String> eventLines = events.body().iterator();
            while (eventLines.hasNext()) {
                String line = eventLines.next();
                if (line.isBlank()) {
                    continue;
                }
                long n = MAPPER.readTree(line).get("data").get("n").asLong();
                // In lake order, each event once.
                assertThat(n).isGreaterThan(previousN);
                previousN = n;
                count++;
                if (count == 1_000) {
                    Thread.sleep(3_000);
                }
            }
            assertThat(count).isEqualTo(KEYS);
            assertThat(service.get("/q/health/live").statusCode()).isEqualTo(200);
        }
    }
}
