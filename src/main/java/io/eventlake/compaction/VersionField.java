package io.eventlake.compaction;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the version that orders a key's events from its payload: a JSON number as is, or an RFC 3339
 * timestamp (such as {@code updated_at}) as microseconds since the epoch, so that both compare as numbers.
 * Anything else (missing, null, another kind of string) gives no version, and the event falls back to its
 * event time.
 */
public final class VersionField {

    private final JsonPointer pointer;

    /** {@code field}: a JSON pointer ({@code /meta/version}) or a top-level property name ({@code updated_at}). */
    public VersionField(String field) {
        this.pointer = JsonPointer.compile(field.startsWith("/") ? field : "/" + field);
    }

    public BigDecimal read(JsonNode data) {
        if (data == null) {
            return null;
        }
        JsonNode value = data.at(pointer);
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isTextual()) {
            return fromTimestamp(value.asText());
        }
        return null;
    }

    static BigDecimal fromTimestamp(String text) {
        try {
            var instant = OffsetDateTime.parse(text).toInstant();
            return BigDecimal.valueOf(instant.getEpochSecond()).movePointRight(6)
                    .add(BigDecimal.valueOf(instant.getNano() / 1_000));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
