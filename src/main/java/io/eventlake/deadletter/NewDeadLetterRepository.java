package io.eventlake.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventlake.envelope.IncomingRecord.RecordHeader;
import io.eventlake.error.Violation;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL that stores new dead letters (reads and actions are in {@link DeadLetterRepository}). Keyed by the source record, so
 * a redelivered bad record adds an attempt instead of
 * a second dead letter. Dead letters are the exception, so one statement each is fine here.
 */
@ApplicationScoped
public class NewDeadLetterRepository {

    private static final String UPSERT = """
            insert into dead_letter (reason_code, reason, event_type, source_topic, source_partition,
                                     source_offset, consumer_group, record_key, payload, headers, record_timestamp,
                                     violations)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb, $11, $12::text::jsonb)
            on conflict (source_topic, source_partition, source_offset)
            do update set attempts = dead_letter.attempts + 1, reason_code = excluded.reason_code,
                          reason = excluded.reason, violations = excluded.violations, updated_at = now()
            returning attempts
            """;

    @Inject
    ObjectMapper mapper;

    /** Stores every dead letter in order; returns each one's attempt count (1 for a new dead letter). */
    public Uni<List<Integer>> record(SqlConnection connection, List<NewDeadLetter> deadLetters) {
        Uni<List<Integer>> chain = Uni.createFrom().item(new ArrayList<>(deadLetters.size()));
        for (NewDeadLetter deadLetter : deadLetters) {
            chain = chain.flatMap(attempts -> connection.preparedQuery(UPSERT).execute(toTuple(deadLetter))
                    .map(rows -> {
                        attempts.add(rows.iterator().next().getInteger(0));
                        return attempts;
                    }));
        }
        return chain;
    }

    private Tuple toTuple(NewDeadLetter d) {
        return Tuple.tuple()
                .addString(d.reasonCode())
                .addString(d.reason())
                .addString(d.eventType())
                .addString(d.origin().topic())
                .addInteger(d.origin().partition())
                .addLong(d.origin().offset())
                .addString(d.consumerGroup())
                .addBuffer(d.key() == null ? null : Buffer.buffer(d.key()))
                .addBuffer(d.payload() == null ? null : Buffer.buffer(d.payload()))
                .addString(headersJson(d.headers()))
                .addOffsetDateTime(d.timestamp() < 0 ? null
                        : OffsetDateTime.ofInstant(Instant.ofEpochMilli(d.timestamp()), ZoneOffset.UTC))
                .addString(violationsJson(d.violations()));
    }

    /** The violations as [{pointer, message}], or null when the reason was not a schema violation. */
    String violationsJson(List<Violation> violations) {
        if (violations == null || violations.isEmpty()) {
            return null;
        }
        ArrayNode array = mapper.createArrayNode();
        violations.forEach(v -> array.addObject().put("pointer", v.pointer()).put("message", v.message()));
        return array.toString();
    }

    /**
     * Headers as a JSON array, in order (Kafka allows repeats). A value that is valid UTF-8 is kept as text
     * so an operator can read it; anything else is kept exactly, as base64.
     */
    String headersJson(List<RecordHeader> headers) {
        ArrayNode array = mapper.createArrayNode();
        for (RecordHeader header : headers) {
            ObjectNode node = array.addObject().put("name", header.name());
            if (header.value() == null) {
                node.putNull("value");
            } else {
                String text = utf8OrNull(header.value());
                if (text != null) {
                    node.put("value", text);
                } else {
                    node.put("base64", Base64.getEncoder().encodeToString(header.value()));
                }
            }
        }
        return array.toString();
    }

    /** The headers {@link #headersJson} wrote, with their exact bytes. */
    static List<RecordHeader> headersFromJson(String json) {
        List<RecordHeader> headers = new ArrayList<>();
        JsonArray array = new JsonArray(json == null ? "[]" : json);
        for (int i = 0; i < array.size(); i++) {
            JsonObject header = array.getJsonObject(i);
            byte[] value = header.containsKey("base64") ? Base64.getDecoder().decode(header.getString("base64"))
                    : header.getString("value") == null ? null
                            : header.getString("value").getBytes(StandardCharsets.UTF_8);
            headers.add(new RecordHeader(header.getString("name"), value));
        }
        return headers;
    }

    static String utf8OrNull(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
