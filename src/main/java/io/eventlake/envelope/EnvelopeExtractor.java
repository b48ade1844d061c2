package io.eventlake.envelope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.event.Event;
import io.eventlake.event.StreamNaming;

/**
 * Reads the event inside a Kafka record, in the three shapes producers use:
 * <ul>
 * <li>CloudEvents structured mode: {@code content-type: application/cloudevents+json}, the value is the
 * whole event as a JSON object;</li>
 * <li>CloudEvents binary mode: attributes in {@code ce_*} headers, the value is the data;</li>
 * <li>plain JSON: the value is the data, the type comes from a configured header, the key from the record
 * key.</li>
 * </ul>
 * Pure logic: no I/O, so unit tests reach every rule without Kafka.
 */
public final class EnvelopeExtractor {

    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";

    private final ObjectMapper mapper;
    private final String typeHeader;
    private final String idHeader;
    private final Predicate<String> parseDataOfType;

    /**
     * {@code parseDataOfType}: the event types whose data someone reads (a schema validates it, a version
     * field is taken from it); their data is parsed into a tree once, here, instead of only checked.
     */
    public EnvelopeExtractor(ObjectMapper mapper, String typeHeader, String idHeader, Predicate<String> parseDataOfType) {
        // One JSON value per record: "{}garbage" is not JSON.
        this.mapper = mapper.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.typeHeader = typeHeader;
        this.idHeader = idHeader;
        this.parseDataOfType = parseDataOfType;
    }

    public Extraction extract(IncomingRecord record) {
        try {
            String contentType = record.header("content-type");
            if (contentType != null && contentType.toLowerCase().startsWith(STRUCTURED_CONTENT_TYPE)) {
                return structured(record);
            }
            if (record.header("ce_type") != null || record.header("ce_specversion") != null) {
                return binary(record, contentType);
            }
            return plain(record, contentType);
        } catch (RejectedException e) {
            return new Extraction.Rejected(record, e.code, e.getMessage(), List.of(), structuredTypeOf(record));
        }
    }

    /**
     * The type a structured CloudEvent names in its body, read leniently for its dead letter (whose other
     * records carry the type in a header); null when the record is not one or names none.
     */
    private String structuredTypeOf(IncomingRecord record) {
        String contentType = record.header("content-type");
        if (contentType == null || !contentType.toLowerCase().startsWith(STRUCTURED_CONTENT_TYPE) || record.value() == null) {
            return null;
        }
        try {
            JsonNode type = mapper.readTree(record.value()).get("type");
            return type != null && type.isTextual() && !type.asText().isBlank() ? type.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private Extraction structured(IncomingRecord record) {
        JsonNode envelope = parseJson(record.value(), "the structured CloudEvent");
        if (envelope == null || !envelope.isObject()) {
            throw new RejectedException(RejectionCode.NOT_JSON, "a structured CloudEvent must be a JSON object");
        }
        String type = requireType(textAttribute(envelope, "type"), "attribute 'type'");
        JsonNode data = structuredData(envelope);
        return extracted(record,
                textAttribute(envelope, "source"),
                textAttribute(envelope, "id"),
                type,
                firstNonNull(textAttribute(envelope, "subject"), record.keyAsString()),
                textAttribute(envelope, "time"),
                textAttribute(envelope, "datacontenttype"),
                textAttribute(envelope, "dataschema"),
                data == null ? null : data.toString(),
                data);
    }

    private JsonNode structuredData(JsonNode envelope) {
        JsonNode data = envelope.get("data");
        JsonNode base64 = envelope.get("data_base64");
        if (data != null && !data.isNull()) {
            return data;
        }
        if (base64 != null && !base64.isNull()) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(base64.asText());
            } catch (IllegalArgumentException e) {
                throw new RejectedException(RejectionCode.INVALID_ATTRIBUTE, "attribute 'data_base64' is not base64");
            }
            return parseJson(decoded, "attribute 'data_base64'");
        }
        return null;
    }

    private Extraction binary(IncomingRecord record, String contentType) {
        String type = requireType(record.header("ce_type"), "header 'ce_type'");
        JsonNode parsed = parsedValue(record, type);
        return extracted(record,
                record.header("ce_source"),
                record.header("ce_id"),
                type,
                firstNonNull(record.header("ce_subject"), record.keyAsString()),
                record.header("ce_time"),
                contentType,
                record.header("ce_dataschema"),
                valueAsText(record),
                parsed);
    }

    private Extraction plain(IncomingRecord record, String contentType) {
        String type = requireType(record.header(typeHeader), "header '" + typeHeader + "'");
        JsonNode parsed = parsedValue(record, type);
        return extracted(record, null, record.header(idHeader), type, record.keyAsString(), null,
                contentType, null, valueAsText(record), parsed);
    }

    /** The record value as a tree when its type's data is read, else only checked to be JSON (null then). */
    private JsonNode parsedValue(IncomingRecord record, String type) {
        if (record.value() == null) {
            return null;
        }
        if (parseDataOfType.test(type)) {
            JsonNode parsed = parseJson(record.value(), "the record value");
            if (parsed == null || parsed.isMissingNode()) {
                throw new RejectedException(RejectionCode.NOT_JSON, "the record value is empty");
            }
            return parsed;
        }
        checkJson(record.value(), "the record value");
        return null;
    }

    private static String valueAsText(IncomingRecord record) {
        return record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
    }

    /**
     * Checks that the bytes are exactly one JSON value by streaming over its tokens: on the hot path this
     * costs a fraction of building a tree that nobody reads.
     */
    private void checkJson(byte[] bytes, String what) {
        try (JsonParser parser = mapper.getFactory().createParser(bytes)) {
            if (parser.nextToken() == null) {
                throw new RejectedException(RejectionCode.NOT_JSON, what + " is empty");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new RejectedException(RejectionCode.NOT_JSON, what + " is not JSON: more than one value");
            }
        } catch (JsonProcessingException e) {
            throw new RejectedException(RejectionCode.NOT_JSON, what + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RejectedException(RejectionCode.NOT_JSON, what + " is not JSON: " + e.getMessage());
        }
    }

    private Extraction extracted(IncomingRecord record, String source, String id, String type, String subject,
            String time, String dataContentType, String dataSchema, String data, JsonNode parsedData) {
        var origin = record.origin();
        Event event = new Event(
                isBlank(source) ? "kafka:" + origin.topic() : source,
                isBlank(id) ? origin.fallbackId() : id,
                type,
                StreamNaming.streamOf(type),
                subject,
                time == null ? recordTime(record) : parseTime(time),
                dataContentType,
                dataSchema,
                data,
                origin);
        return new Extraction.Extracted(record, event, parsedData);
    }

    private static OffsetDateTime recordTime(IncomingRecord record) {
        Instant instant = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : Instant.now();
        return instant.atOffset(ZoneOffset.UTC);
    }

    static OffsetDateTime parseTime(String time) {
        try {
            return OffsetDateTime.parse(time);
        } catch (DateTimeParseException e) {
            throw new RejectedException(RejectionCode.INVALID_ATTRIBUTE,
                    "attribute 'time' is not an RFC 3339 timestamp: '" + abbreviate(time) + "'");
        }
    }

    private JsonNode parseJson(byte[] bytes, String what) {
        try {
            return mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new RejectedException(RejectionCode.NOT_JSON,
                    what + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RejectedException(RejectionCode.NOT_JSON, what + " is not JSON: " + e.getMessage());
        }
    }

    private static String textAttribute(JsonNode envelope, String name) {
        JsonNode node = envelope.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new RejectedException(RejectionCode.INVALID_ATTRIBUTE, "attribute '" + name + "' must be a string");
        }
        return node.asText();
    }

    private static String requireType(String type, String where) {
        if (isBlank(type)) {
            throw new RejectedException(RejectionCode.MISSING_TYPE, "no event type: " + where + " is missing or empty");
        }
        return type;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static final class RejectedException extends RuntimeException {
        private final RejectionCode code;

        RejectedException(RejectionCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
