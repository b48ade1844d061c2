package io.eventlake.streams;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.streams.StreamEventsRepository.Page;
import io.eventlake.testing.Fixtures;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.KafkaTestClient;
import io.eventlake.testing.LakeDatabase;
import io.eventlake.testing.SignedInAsAdmin;
import io.eventlake.testing.TestIdentity;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * HTTP event streams over real ingest: NDJSON and server-sent events, resumed from cursors, filtered, and
 * followed while new events arrive.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class StreamEventsTest extends SignedInAsAdmin {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final KafkaTestClient kafka = KafkaBrokerResource.client();

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "eventlake.streams.page-size")
    int pageSize;

    @Inject
    StreamEventsRepository repository;

    @Test
    void aStreamResumedFromACursorMissesNothingAndRepeatsNothing() throws Exception {
        String stream = ingest(30);
        List<JsonNode> all = ndjson("/streams/" + stream + "/events");
        assertThat(all).hasSize(30);
        assertThat(all).extracting(e -> e.get("data").get("version").asInt()).containsExactlyElementsOf(
                IntStream.range(0, 30).boxed().toList());

        String tenth = all.get(9).get("cursor").asText();
        List<JsonNode> rest = ndjson("/streams/" + stream + "/events?after=" + tenth);
        assertThat(rest).extracting(e -> e.get("id").asText())
                .containsExactlyElementsOf(all.subList(10, 30).stream().map(e -> e.get("id").asText()).toList());
        String last = all.get(29).get("cursor").asText();
        assertThat(ndjson("/streams/" + stream + "/events?after=" + last)).isEmpty();

        assertThat(ndjson("/streams/" + stream + "/events?key=Rental-2")).hasSize(10)
                .allSatisfy(e -> assertThat(e.get("subject").asText()).isEqualTo("Rental-2"));
        assertThat(ndjson("/streams/" + stream + "/events?type=" + stream + ".created")).hasSize(3);
    }

    @Test
    void serverSentEventsCarryTheCursorAsTheirIdAndLastEventIdResumes() throws Exception {
        String stream = ingest(6);
        String body = given().header("Accept", "text/event-stream").when().get("/streams/{s}/events", stream).then()
                .statusCode(200).contentType(containsString("text/event-stream")).extract().asString();
        List<String> ids = body.lines().filter(l -> l.startsWith("id:")).map(l -> l.substring(3).trim()).toList();
        List<String> data = body.lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim()).toList();
        assertThat(ids).hasSize(6);
        assertThat(MAPPER.readTree(data.get(0)).get("cursor").asText()).isEqualTo(ids.get(0));

        String resumed = given().header("Accept", "text/event-stream").header("Last-Event-ID", ids.get(3)).when()
                .get("/streams/{s}/events", stream).then().statusCode(200).extract().asString();
        assertThat(resumed.lines().filter(l -> l.startsWith("id:")).map(l -> l.substring(3).trim()).toList())
                .containsExactlyElementsOf(ids.subList(4, 6));
    }

    @Test
    void aFollowStreamCatchesUpThenReceivesLiveEvents() throws Exception {
        String stream = ingest(5);
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/streams/" + stream + "/events?follow=true"))
                .header("Authorization", TestIdentity.bearer("reader")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> {
            Iterator<String> lines = response.body().iterator();
            try {
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (!line.isBlank()) {
                        received.add(MAPPER.readTree(line));
                    }
                }
            } catch (Exception closed) {
                // the test closes the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        await().atMost(PATIENCE).until(() -> received.size() == 5);

        publish("ingest." + stream, stream, 5, 8);
        await().atMost(PATIENCE).until(() -> received.size() == 8);
        assertThat(received).extracting(e -> e.get("data").get("version").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        response.body().close();
    }

    @Test
    void aFilteredPageThatIsNotFullMovesThePositionPastTheStreamsLastEventSoAFollowerDoesNotReadItAgain() {
        String stream = ingest(30);
        long streamLast = LakeDatabase.count("select max(seq) from lake_event where stream = ?", stream);

        // Three ".created" (the 1st, 11th and 21st events), one page of 8 not full: the next read starts after the
        // stream's last event, not after the last match (which would read the nine events after it again).
        Page created = page(stream, 0, stream + ".created", null);
        assertThat(created.events()).extracting(StreamEvent::type).containsExactly(stream + ".created", stream + ".created",
                stream + ".created");
        assertThat(created.lastSeq()).isEqualTo(streamLast);
        // Nothing matches: still past the stream's last event.
        Page none = page(stream, 0, stream + ".archived", null);
        assertThat(none.events()).isEmpty();
        assertThat(none.lastSeq()).isEqualTo(streamLast);
        // Nothing after the position at all: it stays.
        assertThat(page(stream, streamLast, stream + ".created", null)).isEqualTo(new Page(List.of(), streamLast));
        // A full page (8 of Rental-1's ten events): after its last event, there may be more.
        Page full = page(stream, 0, null, "Rental-1");
        assertThat(full.events()).hasSize(8);
        assertThat(full.lastSeq()).isEqualTo(LakeDatabase.count(
                "select seq from lake_event where stream = ? and event_key = 'Rental-1' order by seq offset 7 limit 1",
                stream));
        assertThat(page(stream, full.lastSeq(), null, "Rental-1").events()).hasSize(2);
    }

    private Page page(String stream, long after, String type, String key) {
        return repository.after(stream, after, type, key, pageSize).await().atMost(PATIENCE);
    }

    @Test
    void aMalformedCursorOrATypeOfAnotherStreamIsRefused() {
        given().when().get("/streams/{s}/events?after=nonsense", "any").then().statusCode(400)
                .body("errors[0].parameter", org.hamcrest.Matchers.equalTo("after"));
        // A type of another stream can never be in this one (an event's stream is its type's): said, not searched for.
        given().when().get("/streams/{s}/events?type=villas.updated", "rentals").then().statusCode(400)
                .body("errors[0].parameter", org.hamcrest.Matchers.equalTo("type"))
                .body("errors[0].message", containsString("stream villas"));
        given().header("Accept", "text/event-stream").when().get("/streams/{s}/events?type=villas.updated&follow=true",
                "rentals").then().statusCode(400).body("errors[0].parameter", org.hamcrest.Matchers.equalTo("type"));
    }

    private String ingest(int n) {
        String stream = "se" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        kafka.createTopic("ingest." + stream, 1);
        publish("ingest." + stream, stream, 0, n);
        await().atMost(PATIENCE)
                .until(() -> LakeDatabase.count("select count(*) from lake_event where stream = ?", stream) == n);
        return stream;
    }

    private static void publish(String topic, String stream, int fromVersion, int toVersion) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int v = fromVersion; v < toVersion; v++) {
            String type = stream + (v % 10 == 0 ? ".created" : ".updated");
            var record = new ProducerRecord<>(topic, ("Rental-" + (v % 3)).getBytes(StandardCharsets.UTF_8),
                    Fixtures.rental(v % 3, v).getBytes(StandardCharsets.UTF_8));
            record.headers().add("event-type", type.getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        kafka.sendAll(records);
    }

    private static List<JsonNode> ndjson(String path) throws Exception {
        String body = given().when().get(path).then().statusCode(200).contentType(containsString("application/x-ndjson"))
                .extract().asString();
        // Strict NDJSON: every event on a line of its own, each line ended by a newline, no blank line (the
        // test profile's page size of 8 makes a stream of 30 events four pages, each written as one chunk).
        if (!body.isEmpty()) {
            assertThat(body).endsWith("\n");
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : body.lines().toList()) {
            assertThat(line).as("a line of %s", path).isNotBlank();
            events.add(MAPPER.readTree(line));
        }
        return events;
    }
}
